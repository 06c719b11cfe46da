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
    const summary = { events: 3, allowed: 1, denied: 1, errors: 1, mismatches: 1, eventsPerSecond: 900 };
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
});
