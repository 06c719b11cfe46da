import { describe, expect, it } from 'vitest';
import { pagesCovering, settleDelay } from './page-window';

describe('pagesCovering', () => {
  it('names the pages of a range, at least the first while nothing is drawn', () => {
    expect(pagesCovering(0, 0, 100)).toEqual([0]);
    expect(pagesCovering(0, 100, 100)).toEqual([0]);
    expect(pagesCovering(95, 205, 100)).toEqual([0, 1, 2]);
    expect(pagesCovering(-5, 10, 100)).toEqual([0]);
  });

  it('stops at the last page of a known total', () => {
    expect(pagesCovering(0, 500, 100, 150)).toEqual([0, 1]);
    expect(pagesCovering(99_990, 100_020, 100, 100_001)).toEqual([999, 1000]);
    expect(pagesCovering(0, 40, 100, 0)).toEqual([0]);
  });
});

describe('settleDelay', () => {
  const timing = { debounceMs: 90, maxWaitMs: 300 };
  it('waits the debounce while the range moves, never longer than the maximum in all', () => {
    expect(settleDelay(1000, 1000, timing)).toBe(90);
    expect(settleDelay(1250, 1000, timing)).toBe(50);
    expect(settleDelay(1300, 1000, timing)).toBe(0);
    expect(settleDelay(5000, 1000, timing)).toBe(0);
  });
});
