import { describe, expect, it } from 'vitest';
import { keepDraft, keptDraft, type DraftStorage } from './kept-draft';

function memoryStorage(): DraftStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

describe('kept drafts', () => {
  it('offers back the draft kept for that script', () => {
    const storage = memoryStorage();
    keepDraft(storage, 'geo-block', { version: 3, source: 'return { allow = false }' });
    expect(keptDraft(storage, 'geo-block', 'return { allow = true }')).toEqual({
      version: 3,
      source: 'return { allow = false }',
    });
    expect(keptDraft(storage, 'rate-limit', 'return { allow = true }')).toBeNull();
  });

  it('offers nothing once forgotten, or when the draft is the saved text', () => {
    const storage = memoryStorage();
    keepDraft(storage, 'geo-block', { version: 3, source: 'same' });
    expect(keptDraft(storage, 'geo-block', 'same')).toBeNull();
    keepDraft(storage, 'geo-block', null);
    expect(storage.items.size).toBe(0);
    expect(keptDraft(storage, 'geo-block', 'other')).toBeNull();
  });

  it('ignores an unreadable entry and a storage that refuses', () => {
    const storage = memoryStorage();
    storage.items.set('pipeline-studio.unsaved-draft:geo-block', '{not json');
    expect(keptDraft(storage, 'geo-block', 'x')).toBeNull();
    const full: DraftStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    expect(() => keepDraft(full, 'geo-block', { version: 1, source: 'x' })).not.toThrow();
  });
});
