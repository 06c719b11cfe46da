import { describe, expect, it } from 'vitest';
import { formatUtc } from './format-time';

describe('formatUtc', () => {
  it('shows a time in UTC, with or without seconds', () => {
    expect(formatUtc('2026-11-20T11:00:05+01:00')).toBe('2026-11-20 10:00:05 UTC');
    expect(formatUtc('2026-11-20T10:00:05.123Z', false)).toBe('2026-11-20 10:00 UTC');
    expect(formatUtc('2026-11-20T10:00:05.123Z', true, false)).toBe('2026-11-20 10:00:05');
  });

  it('keeps text that is not a time, and gives nothing for nothing', () => {
    expect(formatUtc('yesterday')).toBe('yesterday');
    expect(formatUtc(undefined)).toBe('');
  });
});
