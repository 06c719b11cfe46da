import { describe, expect, it, vi } from 'vitest';
import type { ChannelOutput } from '../../shared/contract';
import { useAuthoringHarness, type AuthoringHarness } from '../authoring/testing/authoring-harness';
import { attachScript, denyMailinator, importEvents, signupEvents } from './testing/replay-fixtures';

// What-if replays through the real router, store and replay pool (docs/replay.md, "What-if"):
// replay.start's faults reach every event's run, the run's label names them, and the faulted run
// compares with a normal one through runs.compare.

const harness = useAuthoringHarness();
type Progress = ChannelOutput<'replay.progress'>;

async function waitForEnd(h: AuthoringHarness, runId: number): Promise<Progress> {
  return vi.waitFor(
    async () => {
      const progress = await h.call('replay.progress', { runId });
      if (progress.status === 'running') throw new Error(`still running: ${progress.done}/${progress.total}`);
      return progress;
    },
    { timeout: 60_000, interval: 20 },
  );
}

describe('replay.start with faults', () => {
  it('settles the faulted script in every event, labels the run and compares with a normal run', async () => {
    const h = harness();
    await attachScript(h, 'block-disposable', 'signup.before', denyMailinator());
    importEvents(h.dir, signupEvents(30));
    const selection = { kind: 'filter', filter: {} } as const;

    const normal = await h.call('replay.start', { selection });
    expect(await waitForEnd(h, normal.run.id)).toMatchObject({ status: 'done', allowed: 20, denied: 10, errors: 0 });

    const faulted = await h.call('replay.start', {
      selection,
      label: 'outage drill',
      faults: { scripts: { 'block-disposable': 'error' } },
    });
    expect(faulted.run.label).toBe('outage drill · what-if: script=block-disposable:error');
    // onError is deny by default: every user would be denied, each event an error.
    expect(await waitForEnd(h, faulted.run.id)).toMatchObject({ status: 'done', allowed: 0, denied: 30, errors: 30 });
    const results = await h.call('runs.results', { runId: faulted.run.id, limit: 1 });
    expect(results.results[0]?.line.error).toMatchObject({ code: 'RUNTIME_ERROR', scriptId: 'block-disposable' });

    const compared = await h.call('runs.compare', { before: normal.run.id, after: faulted.run.id });
    expect(compared.counts).toMatchObject({ compared: 30, same: 0, added: 0, removed: 0 });
    expect(compared.total).toBe(30);
  });

  it('a run without a label is labelled by its faults alone; empty faults change nothing', async () => {
    const h = harness();
    await attachScript(h, 'block-disposable', 'signup.before', denyMailinator());
    importEvents(h.dir, signupEvents(3));
    const selection = { kind: 'filter', filter: {} } as const;
    const what = await h.call('replay.start', { selection, faults: { fetch: [{ fault: { status: 500 } }] } });
    expect(what.run.label).toBe('what-if: fetch=500');
    // The script makes no request: the fault has nothing to act on.
    expect(await waitForEnd(h, what.run.id)).toMatchObject({ allowed: 2, denied: 1, errors: 0 });
    const plain = await h.call('replay.start', { selection, faults: {} });
    expect(plain.run.label).toBeUndefined();
    await waitForEnd(h, plain.run.id);
  });

  it('refuses faults the contract does not allow, before a run exists', async () => {
    const h = harness();
    await attachScript(h, 'block-disposable', 'signup.before', denyMailinator());
    importEvents(h.dir, signupEvents(3));
    const error = await h.fail('replay.start', {
      selection: { kind: 'filter', filter: {} },
      faults: { scripts: { 'block-disposable': 'explode' as 'error' } },
    });
    expect(error.code).toBe('INVALID_INPUT');
    expect(await h.call('runs.list', {})).toHaveLength(0);
  });
});
