import { describe, expect, it } from 'vitest';
import { outcomeCountParts } from './outcome-counts';

const counts = { allowed: 0, denied: 0, errors: 0, enriched: 0, accepted: 0, mismatches: 0 };
const text = (c: typeof counts) =>
  outcomeCountParts(c)
    .map((part) => part.text)
    .join(' · ');

describe('a run summary', () => {
  it('says one deny and one error as such, not "2 denied · 1 errors"', () => {
    expect(text({ ...counts, denied: 1, errors: 1 })).toBe('0 allowed · 1 denied · 1 error · 0 mismatches');
  });

  it('shows the enrichment and async buckets when the run has them, so every event is counted', () => {
    expect(text({ ...counts, allowed: 1_200, enriched: 2, accepted: 1, mismatches: 1 })).toBe(
      '1,200 allowed · 0 denied · 0 errors · 2 enriched · 1 accepted · 1 mismatch',
    );
    expect(outcomeCountParts({ ...counts, enriched: 3 }).map((part) => part.kind)).toEqual([
      'allowed',
      'denied',
      'errors',
      'enriched',
      'mismatches',
    ]);
  });
});
