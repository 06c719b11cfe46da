import { describe, expect, it } from 'vitest';
import { emptyFilter, isFiltered, queryKey, toTraceQuery } from './trace-filter';

describe('toTraceQuery', () => {
  it('sends only the filters that are set', () => {
    expect(toTraceQuery(emptyFilter)).toEqual({ query: {} });
    expect(isFiltered(emptyFilter)).toBe(false);
    const form = { ...emptyFilter, hook: 'signup.before', status: 'denied' as const, text: '  disposable ' };
    expect(toTraceQuery(form)).toEqual({ query: { hook: 'signup.before', status: 'denied', text: 'disposable' } });
    expect(isFiltered(form)).toBe(true);
  });

  it('reads dates in local time and checks their order', () => {
    const result = toTraceQuery({ ...emptyFilter, from: '2026-11-20T10:00', to: '2026-11-20T11:30:15' });
    expect(result).toEqual({
      query: { fromMs: new Date(2026, 10, 20, 10, 0).getTime(), toMs: new Date(2026, 10, 20, 11, 30, 15).getTime() },
    });
    expect(toTraceQuery({ ...emptyFilter, from: '2026-11-20T12:00', to: '2026-11-20T11:00' })).toEqual({
      problem: '“From” must be before “To”.',
    });
    expect(toTraceQuery({ ...emptyFilter, to: '2026-02-31T10:00' })).toEqual({
      problem: '“To” is not a date and time.',
    });
  });

  it('keys queries independently of property order', () => {
    expect(queryKey({ hook: 'signup.before', status: 'ok' })).toBe(queryKey({ status: 'ok', hook: 'signup.before' }));
    expect(queryKey({})).not.toBe(queryKey({ status: 'ok' }));
  });
});
