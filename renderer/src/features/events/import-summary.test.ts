import { describe, expect, it } from 'vitest';
import { importFileProblem, importSummary, unlistedProblems } from './import-summary';

describe('import summary', () => {
  it('says what was kept and skipped, in the singular or the plural', () => {
    expect(importSummary({ imported: 3, duplicates: 1, problems: [{ line: 4, message: 'x' }], problemCount: 1 })).toBe(
      '3 imported, 1 duplicate, 1 bad line',
    );
    expect(importSummary({ imported: 1200, duplicates: 0, problems: [], problemCount: 2 })).toBe(
      '1,200 imported, 0 duplicates, 2 bad lines',
    );
  });

  it('counts the bad lines that were not listed', () => {
    expect(
      unlistedProblems({ imported: 0, duplicates: 0, problems: [{ line: 1, message: 'x' }], problemCount: 5000 }),
    ).toBe(4999);
  });

  it('refuses empty and oversized files with a way out', () => {
    expect(importFileProblem({ name: 'a.ndjson', size: 0 })).toBe('a.ndjson is empty.');
    expect(importFileProblem({ name: 'big.ndjson', size: 31 * 1024 * 1024 })).toMatch(/up to 30 MB.*events import/);
    expect(importFileProblem({ name: 'ok.ndjson', size: 10 })).toBeNull();
  });
});
