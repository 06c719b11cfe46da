export type ViewId = 'pipeline' | 'scripts' | 'secrets';

export const views: { id: ViewId; label: string; shortcut: string }[] = [
  { id: 'pipeline', label: 'Pipeline', shortcut: 'Alt+1' },
  { id: 'scripts', label: 'Scripts', shortcut: 'Alt+2' },
  { id: 'secrets', label: 'Secrets & environments', shortcut: 'Alt+3' },
];
