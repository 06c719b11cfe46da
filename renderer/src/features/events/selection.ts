// Which library events are checked. Either a set of ids, or "every event matching the filter"
// (minus the ones unchecked since): the list is paged, so selecting all must not need every id
// loaded, and a replay of all matching events is sent as the filter itself.

export type EventSelection =
  | { mode: 'ids'; ids: ReadonlySet<string>; anchor: number | null }
  | { mode: 'all'; except: ReadonlySet<string>; anchor: number | null };

export const noSelection: EventSelection = { mode: 'ids', ids: new Set(), anchor: null };

export function isSelected(selection: EventSelection, id: string): boolean {
  return selection.mode === 'all' ? !selection.except.has(id) : selection.ids.has(id);
}

export function selectedCount(selection: EventSelection, total: number): number {
  return selection.mode === 'all' ? Math.max(0, total - selection.except.size) : selection.ids.size;
}

export function selectAllMatching(): EventSelection {
  return { mode: 'all', except: new Set(), anchor: null };
}

/** Checks or unchecks some events. */
export function setSelected(
  selection: EventSelection,
  ids: readonly string[],
  selected: boolean,
  anchor: number | null = selection.anchor,
): EventSelection {
  if (selection.mode === 'all') {
    const except = new Set(selection.except);
    for (const id of ids) {
      if (selected) except.delete(id);
      else except.add(id);
    }
    return { mode: 'all', except, anchor };
  }
  const next = new Set(selection.ids);
  for (const id of ids) {
    if (selected) next.add(id);
    else next.delete(id);
  }
  return { mode: 'ids', ids: next, anchor };
}

/** A click on one checkbox: flips it and makes it the anchor of the next shift-click. */
export function toggle(selection: EventSelection, id: string, index: number): EventSelection {
  return setSelected(selection, [id], !isSelected(selection, id), index);
}

/**
 * The rows [start, end) a shift-click on `index` covers: from the anchor (the last plain click) to
 * the clicked row, both included, in either direction; just the row when there is no anchor.
 */
export function shiftRange(anchor: number | null, index: number): [number, number] {
  if (anchor === null) return [index, index + 1];
  return [Math.min(anchor, index), Math.max(anchor, index) + 1];
}

/** The ids to act on when they are all known (ids mode), or null: the matching ones must be listed. */
export function knownIds(selection: EventSelection): string[] | null {
  return selection.mode === 'ids' ? [...selection.ids] : null;
}
