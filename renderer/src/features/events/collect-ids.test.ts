import { describe, expect, it } from 'vitest';
import { collectIds, inBatches, type ListIds } from './collect-ids';

const library = (count: number): ListIds => {
  const ids = Array.from({ length: count }, (_, i) => `evt_${i}`);
  return async (offset, limit) => ({
    ok: true,
    value: { events: ids.slice(offset, offset + limit).map((id) => ({ id })), total: count },
  });
};

describe('collectIds', () => {
  it('lists every matching id, page by page, minus the unchecked ones', async () => {
    const result = await collectIds(library(1203), new Set(['evt_5']), 100_000, 500);
    expect(result.ok && result.value.length).toBe(1202);
    expect(result.ok && result.value.includes('evt_5')).toBe(false);
    expect(result.ok && result.value.at(-1)).toBe('evt_1202');
  });

  it('passes a failure through, and refuses more than the bound', async () => {
    const failing: ListIds = async () => ({ ok: false, error: { code: 'STORE_UNAVAILABLE', message: 'closed' } });
    expect(await collectIds(failing, new Set())).toEqual({
      ok: false,
      error: { code: 'STORE_UNAVAILABLE', message: 'closed' },
    });
    const tooMany = await collectIds(library(3000), new Set(), 1000, 500);
    expect(tooMany.ok).toBe(false);
  });
});

describe('inBatches', () => {
  it('splits into batches of a size', () => {
    expect(inBatches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(inBatches([], 2)).toEqual([]);
  });
});
