import { describe, expect, it } from 'vitest';
import { denyMailinator } from '../replay/testing/replay-fixtures';
import { maxOpenTails } from './tail-sessions';
import { useRolloutFixture } from './testing/rollout-fixture';
import { invoke, nextEvent } from './testing/rollout-setup';

// Live tails through tail.start / tail.stop against a real runtime's GET /v1/tail: the invocations
// arrive as pushed tail.batch events, filtered as asked; stop pushes `ended`; a runtime that goes
// away pushes `failed`; at most four are open.

const fixture = useRolloutFixture();
const setUp = () => fixture.published(denyMailinator());

describe('live tails (against a real runtime)', () => {
  it('pushes the invocations that pass the filter, then ended on stop', async () => {
    const { h, runtime } = await setUp();
    const { tailId } = await h.call('tail.start', { environment: 'staging', filter: { outcomes: ['deny'] } });
    // The stream may open with a batch that only states its sampling rate: wait for the one with the deny.
    const arrived = nextEvent(h, 'tail.batch', (batch) => batch.tailId === tailId && batch.items.length > 0);
    const allowed = await invoke(runtime, 'ada@example.com');
    const denied = await invoke(runtime, 'bob@mailinator.com');
    expect([allowed.allow, denied.allow]).toEqual([true, false]);
    const batch = await arrived;
    expect(batch.status).toBe('live');
    expect(batch.sampleRate).toBe(1);
    // The allowed invocation came first and was filtered out by the runtime.
    expect(batch.items).toEqual([
      expect.objectContaining({ hook: 'signup.before', outcome: 'deny', traceId: denied.traceId, version: 1 }),
    ]);

    const ended = nextEvent(h, 'tail.batch', (event) => event.tailId === tailId && event.status === 'ended');
    expect(await h.call('tail.stop', { tailId })).toEqual({ stopped: true });
    expect((await ended).items).toEqual([]);
    expect(await h.call('tail.stop', { tailId })).toEqual({ stopped: false });
    expect(h.internalErrors).toEqual([]);
  });

  it('is BUSY beyond four open tails, and pushes failed when the runtime goes away', async () => {
    const { h, runtime } = await setUp();
    const ids: string[] = [];
    for (let i = 0; i < maxOpenTails; i++) ids.push((await h.call('tail.start', { environment: 'staging' })).tailId);
    const busy = await h.fail('tail.start', { environment: 'staging' });
    expect(busy.code).toBe('BUSY');

    const failed = Promise.all(
      ids.map((id) => nextEvent(h, 'tail.batch', (batch) => batch.tailId === id && batch.status === 'failed')),
    );
    runtime.child.kill('SIGKILL');
    for (const batch of await failed) expect(batch.message).toMatch(/live tail of staging broke/);
    // Every broken tail freed its slot.
    for (const tailId of ids) expect(await h.call('tail.stop', { tailId })).toEqual({ stopped: false });
    const unreachable = await h.fail('tail.start', { environment: 'staging' });
    expect(unreachable.code).toBe('RUNTIME_UNREACHABLE');
    expect(h.internalErrors).toEqual([]);
  });
});
