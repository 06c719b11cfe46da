import { describe, expect, it } from 'vitest';
import { shownDiff, type DiffChoice } from './draft-diff';

describe('the editor diff pane', () => {
  it('follows the restored version: the draft is compared with the latest version of now', () => {
    const choice: DiffChoice = { kind: 'draft' };
    expect(shownDiff(choice, { version: 3, source: 'v3' }, 'draft').title).toBe('Draft compared with v3');
    // v1 restored as v4: the same choice now names v4 and shows its text.
    expect(shownDiff(choice, { version: 4, source: 'v1' }, 'v1')).toEqual({
      title: 'Draft compared with v4',
      original: 'v1',
      modified: 'v1',
    });
  });

  it('keeps a comparison of two saved versions as it was asked', () => {
    const choice: DiffChoice = { kind: 'versions', title: 'Changes from v1 to v2', original: 'a', modified: 'b' };
    expect(shownDiff(choice, { version: 4, source: 'c' }, 'c')).toEqual({
      title: 'Changes from v1 to v2',
      original: 'a',
      modified: 'b',
    });
  });
});
