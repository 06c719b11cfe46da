import { describe, expect, it } from 'vitest';
import {
  isSelected,
  knownIds,
  noSelection,
  selectAllMatching,
  selectedCount,
  setSelected,
  shiftRange,
  toggle,
} from './selection';

describe('event selection', () => {
  it('toggles one id and remembers it as the anchor', () => {
    const one = toggle(noSelection, 'evt_1', 3);
    expect(isSelected(one, 'evt_1')).toBe(true);
    expect(one.anchor).toBe(3);
    expect(selectedCount(one, 100)).toBe(1);
    const none = toggle(one, 'evt_1', 3);
    expect(isSelected(none, 'evt_1')).toBe(false);
    expect(selectedCount(none, 100)).toBe(0);
  });

  it('never changes the selection it is given', () => {
    const before = toggle(noSelection, 'a', 0);
    toggle(before, 'b', 1);
    expect(knownIds(before)).toEqual(['a']);
    expect(knownIds(noSelection)).toEqual([]);
  });

  it('computes shift-click ranges in both directions, inclusive', () => {
    expect(shiftRange(2, 5)).toEqual([2, 6]);
    expect(shiftRange(5, 2)).toEqual([2, 6]);
    expect(shiftRange(4, 4)).toEqual([4, 5]);
    expect(shiftRange(null, 7)).toEqual([7, 8]);
  });

  it('checks a range and keeps the anchor', () => {
    const anchored = toggle(noSelection, 'e2', 2);
    const ranged = setSelected(anchored, ['e2', 'e3', 'e4'], true);
    expect(knownIds(ranged)?.sort()).toEqual(['e2', 'e3', 'e4']);
    expect(ranged.anchor).toBe(2);
    expect(knownIds(setSelected(ranged, ['e3'], false))?.sort()).toEqual(['e2', 'e4']);
  });

  it('selects every matching event without knowing their ids, minus the ones unchecked', () => {
    const all = selectAllMatching();
    expect(isSelected(all, 'anything')).toBe(true);
    expect(selectedCount(all, 1234)).toBe(1234);
    expect(knownIds(all)).toBeNull();
    const lessOne = toggle(all, 'evt_9', 9);
    expect(isSelected(lessOne, 'evt_9')).toBe(false);
    expect(selectedCount(lessOne, 1234)).toBe(1233);
    expect(selectedCount(toggle(lessOne, 'evt_9', 9), 1234)).toBe(1234);
  });
});
