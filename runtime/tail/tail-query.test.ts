import { describe, expect, it } from 'vitest';
import { parseTailQuery } from './tail-query';

const parse = (query: string) => parseTailQuery(new URLSearchParams(query), 200);

describe('the tail query', () => {
  it('takes hooks and outcomes repeated or comma-separated, once each', () => {
    expect(parse('hook=signup.before,signin.before&hook=signup.before&outcome=deny&outcome=error,deny')).toEqual({
      ok: true,
      filter: { hooks: ['signup.before', 'signin.before'], outcomes: ['deny', 'error'] },
    });
    expect(parse('')).toEqual({ ok: true, filter: {} });
    expect(parse('version=12&text=Blocked&maxRate=1')).toEqual({
      ok: true,
      filter: { version: 12, text: 'Blocked' },
      maxRate: 1,
    });
    // An empty text follows everything, like no text.
    expect(parse('text=')).toEqual({ ok: true, filter: {} });
  });

  it('lists every problem at once, without echoing more than a bounded piece of the input', () => {
    const result = parse(`hook=${'x'.repeat(5000)}&outcome=&version=-1&maxRate=201&${'y'.repeat(500)}=1`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.path).sort()).toEqual(
      ['hook', 'maxRate', 'outcome', 'version', 'y'.repeat(100)].sort(),
    );
    expect(JSON.stringify(result.problems).length).toBeLessThan(1000);
  });
});
