import { describe, expect, it } from 'vitest';
import { clickRow, noSelection } from './row-selection';

const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
const idAt = (i: number) => ids[i];

describe('clickRow', () => {
  it('toggles one row and remembers it as the anchor', () => {
    const one = clickRow(noSelection, 1, false, idAt);
    expect([...one.selected]).toEqual(['b']);
    expect(one.anchor).toBe(1);
    const none = clickRow(one, 1, false, idAt);
    expect(none.selected.size).toBe(0);
  });

  it('shift-click sets the range from the anchor, both directions', () => {
    const down = clickRow(clickRow(noSelection, 1, false, idAt), 4, true, idAt);
    expect([...down.selected].sort()).toEqual(['b', 'c', 'd', 'e']);
    expect(down.anchor).toBe(1);
    const up = clickRow(clickRow(noSelection, 4, false, idAt), 2, true, idAt);
    expect([...up.selected].sort()).toEqual(['c', 'd', 'e']);
    // Shift-click on a checked row unchecks the range.
    const cleared = clickRow(down, 3, true, idAt);
    expect([...cleared.selected].sort()).toEqual(['e']);
  });

  it('skips rows that are not loaded, and ignores a click on one', () => {
    const sparse = (i: number) => (i === 2 ? undefined : ids[i]);
    const range = clickRow(clickRow(noSelection, 0, false, sparse), 3, true, sparse);
    expect([...range.selected].sort()).toEqual(['a', 'b', 'd']);
    expect(clickRow(range, 2, false, sparse)).toBe(range);
    // Shift without an anchor is a plain click.
    expect(clickRow(noSelection, 5, true, idAt).anchor).toBe(5);
  });
});
