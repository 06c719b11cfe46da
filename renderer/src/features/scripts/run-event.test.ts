import { describe, expect, it } from 'vitest';
import { eventProblem, idleRun, runAfterEventEdit, type RunState } from './run-event';
import type { RunResult } from './run-outcome';

const shown: RunState = {
  result: { decision: { kind: 'allow' } } as unknown as RunResult,
  recorded: { id: 'evt_1' },
  error: null,
  running: false,
};

describe('the Run event box', () => {
  it('says why an event cannot run', () => {
    expect(eventProblem('{"user": {}}')).toBeNull();
    expect(eventProblem('{"user": ')).toMatch(/^Not JSON: /);
    expect(eventProblem('[1]')).toBe('The event must be a JSON object.');
  });

  it('clears the last result once the event is not valid JSON, so no stale result shows under the error', () => {
    expect(runAfterEventEdit(shown, '{"user": ')).toEqual(idleRun);
    expect(runAfterEventEdit({ ...shown, result: null, error: 'RUNTIME_ERROR' }, 'null')).toEqual(idleRun);
  });

  it('keeps the result while the event stays valid', () => {
    expect(runAfterEventEdit(shown, '{"user": {"email": "a@b.c"}}')).toBe(shown);
  });
});
