import { describe, expect, it } from 'vitest';
import { spanDetails, prettyJson } from './span-details';
import { at, span } from './trace-fixtures';
import { toNanos } from './time';

const traceStart = toNanos(at(0))!;

describe('spanDetails', () => {
  it('describes a script span: timing, sorted attributes, result as JSON, logs', () => {
    const details = spanDetails(
      span('s1', 'l1', 'script', 'script geo', 2, 14.5, {
        attributes: { 'script.result': '{"data":{"country":"FR"}}', 'script.id': 'geo', 'script.ok': true },
        events: [
          {
            name: 'log',
            timeUnixNano: at(3),
            attributes: { 'script.log.level': 'warn', 'script.log.message': 'slow' },
          },
          { name: 'pipeline.warning', timeUnixNano: at(4), attributes: { 'pipeline.warning.kind': 'merge_conflict' } },
        ],
      }),
      traceStart,
    );
    expect(details).toMatchObject({ name: 'script geo', kind: 'script', scriptId: 'geo' });
    expect(details.durationMs).toBeCloseTo(12.5, 6);
    expect(details.startOffsetMs).toBeCloseTo(2, 6);
    expect(details.attributes.map((row) => row.key)).toEqual(['script.id', 'script.ok', 'script.result']);
    expect(details.attributes[2]!.json).toBe('{\n  "data": {\n    "country": "FR"\n  }\n}');
    expect(details.output).toEqual({ label: 'Result', text: '{\n  "data": {\n    "country": "FR"\n  }\n}' });
    expect(details.logs).toHaveLength(1);
    expect(details.logs[0]).toMatchObject({ level: 'warn', message: 'slow' });
    expect(details.logs[0]!.offsetMs).toBeCloseTo(1, 6);
    expect(details.events.map((e) => e.name)).toEqual(['pipeline.warning']);
    expect(details.error).toBeUndefined();
  });

  it('reads a script error with its line', () => {
    const details = spanDetails(
      span('s1', 'l1', 'script', 'script geo', 0, 1, {
        status: { code: 'ERROR', message: 'RUNTIME_ERROR: attempt to index a nil value' },
        attributes: {
          'script.id': 'geo',
          'script.error.code': 'RUNTIME_ERROR',
          'script.error.message': 'attempt to index a nil value',
          'script.error.line': 3,
        },
      }),
      traceStart,
    );
    expect(details.error).toEqual({
      code: 'RUNTIME_ERROR',
      message: 'attempt to index a nil value',
      line: 3,
      scriptId: 'geo',
    });
  });

  it("states the hook's decision and a failed fetch", () => {
    const hook = spanDetails(
      span('r', undefined, 'hook', 'hook signup.before', 0, 9, {
        attributes: {
          'pipeline.decision': 'deny',
          'pipeline.reason': 'disposable email',
          'pipeline.code': 'DISPOSABLE',
          'pipeline.denied_by': 'block-disposable',
        },
      }),
      traceStart,
    );
    expect(hook.output).toEqual({
      label: 'Decision',
      text: 'Denied: disposable email (DISPOSABLE) by block-disposable',
    });
    const failed = spanDetails(
      span('r', undefined, 'hook', 'hook signup.before', 0, 9, {
        attributes: {
          'pipeline.decision': 'deny',
          'pipeline.reason': 'script "decide" failed (RUNTIME_ERROR)',
          'pipeline.code': 'RUNTIME_ERROR',
          'pipeline.denied_by': 'decide',
        },
      }),
      traceStart,
    );
    expect(failed.output?.text).toBe('Denied: script "decide" failed (RUNTIME_ERROR)');
    const fetch = spanDetails(
      span('f', 's', 'fetch', 'fetch GET https://x', 0, 9, {
        status: { code: 'ERROR', message: 'FETCH_BLOCKED: not allowed' },
        attributes: { 'script.fetch.error.code': 'FETCH_BLOCKED', 'script.fetch.error.message': 'not allowed' },
      }),
      traceStart,
    );
    expect(fetch.error).toEqual({ code: 'FETCH_BLOCKED', message: 'not allowed' });
  });

  it('pretty-prints only JSON objects and arrays', () => {
    expect(prettyJson('[1,2]')).toBe('[\n  1,\n  2\n]');
    expect(prettyJson('true')).toBeUndefined();
    expect(prettyJson('{oops')).toBeUndefined();
  });
});
