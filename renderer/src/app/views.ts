export type ViewId = 'pipeline' | 'scripts' | 'events' | 'runs' | 'traces' | 'secrets' | 'publish' | 'tail';

export const views: { id: ViewId; label: string; shortcut: string; icon: string }[] = [
  { id: 'pipeline', label: 'Pipeline', shortcut: 'Alt+1', icon: '⋮⋮' },
  { id: 'scripts', label: 'Scripts', shortcut: 'Alt+2', icon: '{ }' },
  { id: 'events', label: 'Events', shortcut: 'Alt+3', icon: '≡' },
  { id: 'runs', label: 'Replay runs', shortcut: 'Alt+4', icon: '▶' },
  { id: 'traces', label: 'Traces', shortcut: 'Alt+5', icon: '▤' },
  { id: 'secrets', label: 'Secrets & environments', shortcut: 'Alt+6', icon: '••' },
  { id: 'publish', label: 'Publish', shortcut: 'Alt+7', icon: '⇪' },
  { id: 'tail', label: 'Live tail', shortcut: 'Alt+8', icon: '↯' },
];
