import { describe, expect, it } from 'vitest';
import { useAuthoringHarness } from '../authoring/testing/authoring-harness';
import { attachScript, denyMailinator, importEvents, signupEvents, waitForRunEnd } from './testing/replay-fixtures';

// What-if replays through the real router, store and replay pool (docs/replay.md, "What-if"):
// replay.start's faults reach every event's run, the run's label names them, and the faulted run
// compares with a normal one through runs.compare.

const harness = useAuthoringHarness();

describe('replay.start with faults', () => {
  it('settles the faulted script in every event, labels the run and compares with a normal run', async () => {
    const h = harness();
    await attachScript(h, 'block-disposable', 'signup.before', denyMailinator());
    importEvents(h.dir, signupEvents(30));
    const selection = { kind: 'filter', filter: {} } as const;

    const normal = await h.call('replay.start', { selection });
    expect(await waitForRunEnd(h, normal.run.id)).toMatchObject({ status: 'done', allowed: 20, denied: 10, errors: 0 });

    const faulted = await h.call('replay.start', {
      selection,
      label: 'outage drill',
      faults: { scripts: { 'block-disposable': 'error' } },
    });
    expect(faulted.run.label).toBe('outage drill · what-if: script=block-disposable:error');
    // onError is deny by default: every user would be denied, each event an error (counted once,
    // as an error, not also as a deny).
    expect(await waitForRunEnd(h, faulted.run.id)).toMatchObject({
      status: 'done',
      allowed: 0,
      denied: 0,
      errors: 30,
    });
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
    expect(await waitForRunEnd(h, what.run.id)).toMatchObject({ allowed: 2, denied: 1, errors: 0 });
    const plain = await h.call('replay.start', { selection, faults: {} });
    expect(plain.run.label).toBeUndefined();
    await waitForRunEnd(h, plain.run.id);
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
