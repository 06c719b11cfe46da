export interface ShownDiff {
  title: string;
  original: string;
  modified: string;
}

/** What the editor's diff pane holds: the draft against the latest version, or two saved versions. */
export type DiffChoice = { kind: 'draft' } | ({ kind: 'versions' } & ShownDiff);

/**
 * The diff to show now. The draft's comparison is worked out from the latest version at each render,
 * not kept from the click: a Restore (or a save) makes a new latest version, and a kept title
 * ("Draft compared with v3" after v1 was restored as v4) and kept text would be stale.
 */
export function shownDiff(choice: DiffChoice, latest: { version: number; source: string }, draft: string): ShownDiff {
  if (choice.kind === 'versions') return { title: choice.title, original: choice.original, modified: choice.modified };
  return { title: `Draft compared with v${latest.version}`, original: latest.source, modified: draft };
}
