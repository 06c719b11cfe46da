import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import type { ChannelOutput } from '../../shared/contract';
import { useAuthoringHarness, type AuthoringHarness } from '../authoring/testing/authoring-harness';
import { Workspace } from '../store';
import { staleRunMessage } from './replay-jobs';
import { attachScript, denyMailinator, importEvents, signupEvents, waitForRunEnd } from './testing/replay-fixtures';

const harness = useAuthoringHarness();

/**
 * A script that never returns, with a 50 ms limit: every event ends TIMEOUT, never sooner than its
 * limit, so a replay of 400 events on this machine's workers lasts seconds whatever its speed,
 * and a test can act while it runs without a workload sized to be slow.
 */
async function attachStuckScript(h: AuthoringHarness): Promise<void> {
  await attachScript(h, 'stuck', 'signup.before', 'while true do end');
  await h.call('scripts.updateSettings', { id: 'stuck', timeoutMs: 50 });
}

type Progress = ChannelOutput<'replay.progress'>;

describe('replay.start and replay.progress', () => {
  it('replays 400 library events in the background, pushing progress per stored batch and the summary at the end', async () => {
    const h = harness();
    await attachScript(h, 'block-disposable', 'signup.before', denyMailinator());
    importEvents(h.dir, signupEvents(400));
    const pushed: Progress[] = [];
    const ended = new Promise<void>((resolve) => {
      h.core.events.subscribe((event) => {
        if (event.name !== 'replay.progress') return;
        const progress = event.payload as Progress;
        pushed.push(progress);
        if (progress.status !== 'running') resolve();
      });
    });

    const { run } = await h.call('replay.start', { selection: { kind: 'filter', filter: {} }, label: 'nightly' });
    expect(run).toMatchObject({ status: 'running', total: 400, label: 'nightly', hook: 'signup.before' });
    expect(run.bundleHash).toMatch(/^[0-9a-f]{64}$/);
    await ended;

    // Results are stored in batches of at most 200 lines, and each stored batch is pushed: the
    // first batch comes while 200 events are still to go, whatever the machine's speed.
    const running = pushed.filter((p) => p.status === 'running');
    expect(running.some((p) => p.done < 400)).toBe(true);
    for (const mid of running) {
      expect(mid.runId).toBe(run.id);
      expect(mid.done).toBeGreaterThan(0);
      expect(mid.allowed + mid.denied + mid.errors).toBeGreaterThanOrEqual(mid.done);
    }
    const dones = pushed.map((p) => p.done);
    expect([...dones].sort((a, b) => a - b)).toEqual(dones);
    const end = pushed.at(-1)!;
    expect(end).toMatchObject({
      runId: run.id,
      status: 'done',
      total: 400,
      done: 400,
      allowed: 266,
      denied: 134,
      errors: 0,
      mismatches: 0,
      etaMs: null,
    });
    expect(end.eventsPerSecond).toBeGreaterThan(0);
    // The channel answers the same once the run has ended.
    expect(await h.call('replay.progress', { runId: run.id })).toEqual(end);

    const results = await h.call('runs.results', { runId: run.id, limit: 1000 });
    expect(results.total).toBe(400);
    expect(results.results.map((r) => r.position)).toEqual([...Array(400).keys()]);
    expect(results.results.map((r) => r.line.id)).toEqual(signupEvents(400).map((e) => e.id));
    expect(results.run).toMatchObject({ status: 'done', summary: { events: 400, allowed: 266, denied: 134 } });
    expect(results.results.filter((r) => r.line.allow === false)).toHaveLength(end.denied);

    // Every replayed event has its trace, tagged with the event and the run.
    const traces = await h.call('traces.list', { runId: run.id, limit: 1000 });
    expect(traces.total).toBe(400);
    const first = results.results[0]!.line;
    const ofFirst = await h.call('traces.list', { eventId: first.id });
    expect(ofFirst.traces).toEqual([
      expect.objectContaining({ traceId: first.traceId, eventId: first.id, runId: run.id, status: 'denied' }),
    ]);
    expect(h.internalErrors).toEqual([]);
  });

  it('replays chosen ids in the order given, and the pinned events', async () => {
    const h = harness();
    await attachScript(h, 'block-disposable', 'signup.before', denyMailinator());
    importEvents(h.dir, signupEvents(6));
    importEvents(h.dir, signupEvents(2, 'pin'), { pinned: true });

    const picked = await h.call('replay.start', {
      selection: { kind: 'events', ids: ['evt-0004', 'evt-0001', 'evt-0004', 'evt-0003'] },
    });
    expect(picked.run.total).toBe(3);
    await waitForRunEnd(h, picked.run.id);
    const lines = (await h.call('runs.results', { runId: picked.run.id })).results.map((r) => r.line.id);
    expect(lines).toEqual(['evt-0004', 'evt-0001', 'evt-0003']);

    const pinned = await h.call('replay.start', { selection: { kind: 'pinned' } });
    expect(pinned.run.total).toBe(2);
    expect(await waitForRunEnd(h, pinned.run.id)).toMatchObject({ status: 'done', done: 2, denied: 1, allowed: 1 });

    const filtered = await h.call('replay.start', {
      selection: { kind: 'filter', filter: { text: 'mailinator' } },
    });
    expect(filtered.run.total).toBe(3); // evt-0000, evt-0003, pin-0000
    expect(await waitForRunEnd(h, filtered.run.id)).toMatchObject({ done: 3, denied: 3 });
  });

  it('refuses what cannot be replayed: unknown ids, nothing selected, an unknown environment, a broken pipeline', async () => {
    const h = harness();
    importEvents(h.dir, signupEvents(2));
    const unknown = await h.fail('replay.start', { selection: { kind: 'events', ids: ['evt-0000', 'nope', 'gone'] } });
    expect(unknown).toEqual({ code: 'NOT_FOUND', message: 'The library has no event "nope", "gone".' });
    expect(await h.fail('replay.start', { selection: { kind: 'pinned' } })).toMatchObject({
      code: 'NOTHING_TO_REPLAY',
    });
    expect(
      await h.fail('replay.start', { selection: { kind: 'filter', filter: { hook: 'token.enrich' } } }),
    ).toMatchObject({ code: 'NOTHING_TO_REPLAY' });
    expect(await h.fail('replay.start', { selection: { kind: 'filter', filter: {} }, environment: 'mars' })).toEqual({
      code: 'NOT_FOUND',
      message: 'There is no environment "mars".',
    });
    expect(await h.call('runs.list', {})).toEqual([]);
    expect(await h.fail('replay.progress', { runId: 42 })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await h.fail('replay.cancel', { runId: 42 })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers PIPELINE_INVALID when the pipeline cannot be planned', async () => {
    const h = harness();
    await attachScript(h, 'block-disposable', 'signup.before', denyMailinator());
    importEvents(h.dir, signupEvents(2));
    // A pipeline edited outside the studio's checks (an old workspace, another tool).
    const db = new Database(path.join(h.dir, 'workspace.db'));
    try {
      db.pragma('foreign_keys = OFF');
      db.prepare("UPDATE pipeline_steps SET script_id = 'ghost'").run();
    } finally {
      db.close();
    }
    const error = await h.fail('replay.start', { selection: { kind: 'filter', filter: {} } });
    expect(error.code).toBe('PIPELINE_INVALID');
    expect(error.message).toContain('ghost');
    expect(await h.call('runs.list', {})).toEqual([]);
  });
});

describe('replay.cancel, BUSY and shutdown', () => {
  it('cancels mid-run: the run is cancelled, what finished is kept', async () => {
    const h = harness();
    await attachStuckScript(h);
    importEvents(h.dir, signupEvents(400));
    const { run } = await h.call('replay.start', { selection: { kind: 'filter', filter: {} } });

    // One at a time: a second start while this one runs is BUSY, and so is deleting it.
    expect(await h.fail('replay.start', { selection: { kind: 'pinned' } })).toMatchObject({ code: 'BUSY' });
    expect(await h.fail('runs.delete', { runId: run.id })).toMatchObject({ code: 'BUSY' });

    await vi.waitFor(
      async () => {
        if ((await h.call('replay.progress', { runId: run.id })).done < 5) throw new Error('not started');
      },
      { timeout: 30_000, interval: 10 },
    );
    expect(await h.call('replay.cancel', { runId: run.id })).toEqual({ cancelled: true });
    const progress = await h.call('replay.progress', { runId: run.id });
    expect(progress.status).toBe('cancelled');
    expect(progress.done).toBeGreaterThan(0);
    expect(progress.done).toBeLessThan(400);
    expect(progress.etaMs).toBeNull();

    const results = await h.call('runs.results', { runId: run.id, limit: 1000 });
    expect(results.total).toBe(progress.done);
    expect(results.run).toMatchObject({ status: 'cancelled', summary: { events: progress.done } });
    expect(await h.call('replay.cancel', { runId: run.id })).toEqual({ cancelled: false });

    // The next replay may start, and the cancelled run can go.
    const next = await h.call('replay.start', { selection: { kind: 'events', ids: ['evt-0001'] } });
    expect(await waitForRunEnd(h, next.run.id)).toMatchObject({ status: 'done', done: 1 });
    expect(await h.call('runs.delete', { runId: run.id })).toEqual({ deleted: true });
    expect(await h.call('runs.delete', { runId: run.id })).toEqual({ deleted: false });
  });

  it('on shutdown cancels a running replay and marks its run before the workspace closes', async () => {
    const h = harness();
    await attachStuckScript(h);
    importEvents(h.dir, signupEvents(400));
    const { run } = await h.call('replay.start', { selection: { kind: 'filter', filter: {} } });
    await vi.waitFor(
      async () => {
        if ((await h.call('replay.progress', { runId: run.id })).done < 3) throw new Error('not started');
      },
      { timeout: 30_000, interval: 10 },
    );
    await h.core.close();

    const workspace = Workspace.open({ dir: h.dir });
    try {
      const stored = workspace.replays.get(run.id)!;
      expect(stored.status).toBe('cancelled');
      const count = workspace.replays.resultCount(run.id);
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThan(400);
      expect(stored.summary?.events).toBe(count);
    } finally {
      workspace.close();
    }
  });

  it('marks a run left running by a studio that stopped as failed when the workspace opens', async () => {
    const h = harness();
    const workspace = Workspace.open({ dir: h.dir });
    try {
      const run = workspace.replays.start({ bundleHash: 'h', total: 10 });
      workspace.replays.addResults(run.id, 0, [
        { id: 'a', hook: 'signup.before', ok: true, allow: false, durationMs: 1, traceId: '', mismatch: null },
      ]);
    } finally {
      workspace.close();
    }
    const [stale] = await h.call('runs.list', {});
    expect(stale).toMatchObject({ status: 'failed', message: staleRunMessage, summary: { events: 1, denied: 1 } });
    expect(await h.call('replay.progress', { runId: stale!.id })).toMatchObject({
      status: 'failed',
      done: 1,
      total: 10,
      etaMs: null,
      message: staleRunMessage,
    });
  });
});
