import { describe, expect, it } from 'vitest';
import { nextActiveIndex, rowsPerPage } from './grid-keys';

describe('nextActiveIndex', () => {
  it('moves by a row, a page and to the ends, within the list', () => {
    expect(nextActiveIndex('ArrowDown', -1, 10, 4)).toBe(0);
    expect(nextActiveIndex('ArrowDown', 9, 10, 4)).toBe(9);
    expect(nextActiveIndex('ArrowUp', 0, 10, 4)).toBe(0);
    expect(nextActiveIndex('PageDown', 2, 10, 4)).toBe(6);
    expect(nextActiveIndex('PageUp', 2, 10, 4)).toBe(0);
    expect(nextActiveIndex('Home', 7, 10, 4)).toBe(0);
    expect(nextActiveIndex('End', 0, 100_000, 4)).toBe(99_999);
  });

  it('leaves other keys and empty lists alone', () => {
    expect(nextActiveIndex('Enter', 3, 10, 4)).toBeNull();
    expect(nextActiveIndex('a', 3, 10, 4)).toBeNull();
    expect(nextActiveIndex('ArrowDown', -1, 0, 4)).toBeNull();
  });

  it('pages by a screenful less one row, at least one', () => {
    expect(rowsPerPage(600, 30)).toBe(19);
    expect(rowsPerPage(10, 30)).toBe(1);
  });
});
