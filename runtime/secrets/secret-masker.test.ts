import { describe, expect, it } from 'vitest';
import type { JsonValue, Trace } from '../../shared/engine';
import { maxMaskDepth, SecretMasker, truncatedDeep } from './secret-masker';

describe('SecretMasker', () => {
  const masker = new SecretMasker(['s3cr3t-"value"', '12345678']);

  it('masks values in text, keys, nested data and numbers read from a secret', () => {
    expect(masker.text('a s3cr3t-"value" b')).toBe('a [secret] b');
    expect(masker.json({ ['k s3cr3t-"value"']: ['x s3cr3t-"value"', 12345678, 5], n: null })).toEqual({
      'k [secret]': ['x [secret]', '[secret]', 5],
      n: null,
    });
    expect(new SecretMasker([]).empty).toBe(true);
  });

  it('cuts a value nested deeper than its bound instead of overflowing the stack', () => {
    let deep: JsonValue = 'x s3cr3t-"value"';
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    let masked: JsonValue = masker.json(deep);
    for (let i = 0; i < maxMaskDepth; i++) masked = (masked as { a: JsonValue }).a;
    expect(masked).toBe(truncatedDeep);
    let shallow: JsonValue = 'x s3cr3t-"value"';
    for (let i = 0; i < maxMaskDepth; i++) shallow = [shallow];
    let kept: JsonValue = masker.json(shallow);
    for (let i = 0; i < maxMaskDepth; i++) kept = (kept as JsonValue[])[0] as JsonValue;
    expect(kept).toBe('x [secret]');
  });

  it('masks traces: attributes (JSON-escaped too), events and status, and a cut-off start of a value', () => {
    const long = `${'x'.repeat(4091)}s3cr3`;
    const trace: Trace = {
      traceId: 't',
      hook: 'signup.before',
      spans: [
        {
          traceId: 't',
          spanId: 's',
          name: 'script a',
          kind: 'script',
          startTimeUnixNano: '1',
          endTimeUnixNano: '2',
          status: { code: 'ERROR', message: 'failed with s3cr3t-"value"' },
          attributes: { 'script.result': JSON.stringify({ v: 's3cr3t-"value"' }), long, n: 1 },
          events: [{ name: 'log', timeUnixNano: '1', attributes: { 'script.log.message': 'got 12345678' } }],
        },
      ],
    };
    const span = masker.trace(trace, 4096).spans[0];
    expect(span?.status.message).toBe('failed with [secret]');
    expect(span?.attributes['script.result']).toBe('{"v":"[secret]"}');
    expect(span?.attributes.long).toBe(`${'x'.repeat(4091)}[secret]`);
    expect(span?.events[0]?.attributes['script.log.message']).toBe('got [secret]');
  });
});
