import { afterEach, describe, expect, it } from 'vitest';
import type { ReplayLine } from '../../../shared/engine';
import { useTempDirs } from '../testing/temp-dirs';
import { openTestWorkspace } from '../testing/workspace-harness';
import type { Workspace } from '../workspace';

const tempDir = useTempDirs();
let workspace: Workspace;
afterEach(() => workspace?.close());

const line = (id: string, extra: Partial<ReplayLine> = {}): ReplayLine => ({
  id,
  hook: 'signup.before',
  ok: true,
  allow: true,
  durationMs: 1.25,
  traceId: `trace-${id}`,
  mismatch: null,
  ...extra,
});

describe('replay runs', () => {
  it('record a run, its results in input order and its summary', () => {
    workspace = openTestWorkspace(tempDir());
    const run = workspace.replays.start({
      bundleHash: 'abc',
      total: 3,
      hook: 'signup.before',
      label: 'before publish',
    });
    expect(run).toMatchObject({ status: 'running', total: 3, hook: 'signup.before', label: 'before publish' });
    workspace.replays.addResults(run.id, 0, [line('e1'), line('e2', { allow: false, reason: 'disposable' })]);
    const mismatch = { fields: ['allow'], expected: { allow: true }, actual: { allow: false } };
    workspace.replays.addResults(run.id, 2, [
      line('e3', {
        ok: false,
        error: { code: 'TIMEOUT', message: 'too slow' },
        mismatch,
      } as unknown as Partial<ReplayLine>),
    ]);
    const summary = {
      events: 3,
      allowed: 1,
      denied: 1,
      errors: 1,
      enriched: 0,
      accepted: 0,
      mismatches: 1,
      eventsPerSecond: 900,
    };
    const finished = workspace.replays.finish(run.id, 'done', summary);
    expect(finished).toMatchObject({ status: 'done', summary });
    expect(finished.finishedAt).toBeDefined();

    expect(workspace.replays.results(run.id).map((r) => [r.position, r.line.id])).toEqual([
      [0, 'e1'],
      [1, 'e2'],
      [2, 'e3'],
    ]);
    expect(workspace.replays.results(run.id)[1]?.line).toEqual(line('e2', { allow: false, reason: 'disposable' }));
    expect(workspace.replays.results(run.id, { onlyMismatches: true }).map((r) => r.line.id)).toEqual(['e3']);
    expect(workspace.replays.results(run.id, { onlyFailures: true }).map((r) => r.line.id)).toEqual(['e3']);
  });

  it('list newest first, give an event its history, and delete a run with its results', () => {
    workspace = openTestWorkspace(tempDir());
    const first = workspace.replays.start({ bundleHash: 'h1', total: 1 });
    workspace.replays.addResults(first.id, 0, [line('e1')]);
    const second = workspace.replays.start({ bundleHash: 'h2', total: 1 });
    workspace.replays.addResults(second.id, 0, [line('e1', { allow: false })]);
    expect(workspace.replays.list().map((r) => r.id)).toEqual([second.id, first.id]);
    expect(workspace.replays.historyOf('e1').map((r) => [r.runId, r.line.allow])).toEqual([
      [second.id, false],
      [first.id, true],
    ]);
    expect(workspace.replays.delete(first.id)).toBe(true);
    expect(workspace.replays.results(first.id)).toEqual([]);
    expect(() => workspace.replays.addResults(first.id, 0, [line('x')])).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });

  it("pages and counts results by selection, and counts a run's outcomes", () => {
    workspace = openTestWorkspace(tempDir());
    const run = workspace.replays.start({ bundleHash: 'h', total: 5 });
    const mismatch = { summary: 'allow: recorded true, replayed false', differences: [] };
    workspace.replays.addResults(run.id, 0, [
      line('e0'),
      line('e1', { allow: false, mismatch }),
      line('e2', { ok: false, allow: false, error: { code: 'TIMEOUT', message: 'slow' } }),
      line('e3', { allow: undefined, hook: 'token.enrich', data: {} }),
      line('e4', { allow: false }),
    ]);
    expect(workspace.replays.results(run.id, { offset: 1, limit: 2 }).map((r) => r.position)).toEqual([1, 2]);
    expect(workspace.replays.results(run.id, { onlyFailures: true, offset: 0, limit: 10 })).toHaveLength(1);
    expect(workspace.replays.resultCount(run.id)).toBe(5);
    expect(workspace.replays.resultCount(run.id, 'mismatches')).toBe(1);
    expect(workspace.replays.resultCount(run.id, 'errors')).toBe(1);
    // Each event in one bucket: e2 failed (its onError denied) and counts as an error only.
    expect(workspace.replays.counts(run.id)).toEqual({
      events: 5,
      allowed: 1,
      denied: 2,
      errors: 1,
      enriched: 1,
      accepted: 0,
      mismatches: 1,
    });
    expect(workspace.replays.counts(999)).toEqual({
      events: 0,
      allowed: 0,
      denied: 0,
      errors: 0,
      enriched: 0,
      accepted: 0,
      mismatches: 0,
    });
  });

  it('counts again a summary stored before each event had one bucket', () => {
    workspace = openTestWorkspace(tempDir());
    const run = workspace.replays.start({ bundleHash: 'h', total: 2 });
    workspace.replays.addResults(run.id, 0, [
      line('e0', { allow: false }),
      line('e1', { ok: false, allow: false, error: { code: 'TIMEOUT', message: 'slow' } }),
    ]);
    // What the store kept before `enriched` and `accepted`: the failed deny counted twice.
    const old = { events: 2, allowed: 0, denied: 2, errors: 1, mismatches: 0, eventsPerSecond: 7 };
    workspace.replays.finish(run.id, 'done', old as unknown as Parameters<typeof workspace.replays.finish>[2]);
    const expected = { events: 2, allowed: 0, denied: 1, errors: 1, enriched: 0, accepted: 0, mismatches: 0 };
    expect(workspace.replays.get(run.id)?.summary).toEqual({ ...expected, eventsPerSecond: 7 });
    expect(workspace.replays.list()[0]?.summary).toEqual({ ...expected, eventsPerSecond: 7 });
  });

  it('marks runs left running as failed, with a message and what they stored, and keeps messages', () => {
    workspace = openTestWorkspace(tempDir());
    const done = workspace.replays.start({ bundleHash: 'h', total: 1 });
    workspace.replays.finish(done.id, 'done', {
      events: 1,
      allowed: 1,
      denied: 0,
      errors: 0,
      enriched: 0,
      accepted: 0,
      mismatches: 0,
      eventsPerSecond: 5,
    });
    const stale = workspace.replays.start({ bundleHash: 'h', total: 3 });
    workspace.replays.addResults(stale.id, 0, [line('e0', { allow: false })]);
    expect(workspace.replays.failRunning('the studio stopped')).toEqual([stale.id]);
    expect(workspace.replays.get(stale.id)).toMatchObject({
      status: 'failed',
      message: 'the studio stopped',
      summary: {
        events: 1,
        allowed: 0,
        denied: 1,
        errors: 0,
        enriched: 0,
        accepted: 0,
        mismatches: 0,
        eventsPerSecond: 0,
      },
    });
    expect(workspace.replays.get(stale.id)?.finishedAt).toBeDefined();
    expect(workspace.replays.get(done.id)).toMatchObject({ status: 'done' });
    expect(workspace.replays.get(done.id)).not.toHaveProperty('message');
    expect(workspace.replays.failRunning('again')).toEqual([]);
    // A later finish (the CLI's own end) replaces the mark.
    const finished = workspace.replays.finish(stale.id, 'done', {
      events: 3,
      allowed: 3,
      denied: 0,
      errors: 0,
      enriched: 0,
      accepted: 0,
      mismatches: 0,
      eventsPerSecond: 1,
    });
    expect(finished.status).toBe('done');
    expect(finished).not.toHaveProperty('message');
  });
});
