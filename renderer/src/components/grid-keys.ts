// Where the keyboard moves the active row of a virtualized list: arrows one row, Page Up/Down a
// screenful, Home/End the ends. Pure, so the list's keyboard contract is tested without a DOM.

export const moveKeys = ['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End'] as const;

/** The row `key` moves to from `active` (-1: none yet), or null when the key does not move. */
export function nextActiveIndex(key: string, active: number, count: number, pageRows: number): number | null {
  if (count === 0) return null;
  const page = Math.max(1, pageRows);
  const moves: Record<string, number> = {
    ArrowDown: active + 1,
    ArrowUp: active - 1,
    PageDown: active + page,
    PageUp: active - page,
    Home: 0,
    End: count - 1,
  };
  const target = moves[key];
  if (target === undefined) return null;
  return Math.min(count - 1, Math.max(0, target));
}

/** The rows of one screenful, less one so a page move keeps a row of context. */
export function rowsPerPage(viewportPx: number, rowHeight: number): number {
  return Math.max(1, Math.floor(viewportPx / rowHeight) - 1);
}
