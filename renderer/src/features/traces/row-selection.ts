// Checkbox selection in a long list: a click toggles one row, a shift-click sets every row between
// the last clicked one (the anchor) and this one to the clicked row's new state. Rows of the range
// that are not loaded (a virtualized, paged list) are skipped: `idAt` answers undefined for them.

export interface RowSelection {
  selected: ReadonlySet<string>;
  /** Index of the last row clicked without shift, or -1. */
  anchor: number;
}

export const noSelection: RowSelection = { selected: new Set(), anchor: -1 };

export function clickRow(
  state: RowSelection,
  index: number,
  shift: boolean,
  idAt: (index: number) => string | undefined,
): RowSelection {
  const id = idAt(index);
  if (id === undefined) return state;
  const checked = !state.selected.has(id);
  const selected = new Set(state.selected);
  if (shift && state.anchor >= 0) {
    const [from, to] = state.anchor < index ? [state.anchor, index] : [index, state.anchor];
    for (let i = from; i <= to; i += 1) {
      const rowId = idAt(i);
      if (rowId === undefined) continue;
      if (checked) selected.add(rowId);
      else selected.delete(rowId);
    }
    return { selected, anchor: state.anchor };
  }
  if (checked) selected.add(id);
  else selected.delete(id);
  return { selected, anchor: index };
}
