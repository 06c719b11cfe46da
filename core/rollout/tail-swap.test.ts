import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/contract';
import { denyMailinator } from '../replay/testing/replay-fixtures';
import { useRolloutFixture } from './testing/rollout-fixture';
import { invoke } from './testing/rollout-setup';

// The page swaps tails (renderer/src/features/tail): tail.stop of the old one and tail.start of a
// new one in the same tick, while the runtime keeps being invoked. The new tail must live on: the
// old stream's end is the old tail's business only. Repeated, since one swap may pass by luck.

const fixture = useRolloutFixture();

type Batch = EventPayload<'tail.batch'>;

const swaps = 20;

describe('swapping live tails (against a real runtime)', () => {
  it('keeps the new tail alive when the old one is stopped in the same tick, invocations arriving', async () => {
    const { h, runtime } = await fixture.published(denyMailinator());

    // Every pushed batch, by tail; a waiter is woken on each one.
    const batches = new Map<string, Batch[]>();
    let wake = () => {};
    const unsubscribe = h.core.events.subscribe((event) => {
      if (event.name !== 'tail.batch') return;
      const batch = event.payload as Batch;
      batches.set(batch.tailId, [...(batches.get(batch.tailId) ?? []), batch]);
      wake();
    });
    /** Until the tail has pushed items or ended; its batches so far. */
    const untilItemsOrEnd = async (tailId: string): Promise<Batch[]> => {
      for (;;) {
        const seen = batches.get(tailId) ?? [];
        if (seen.some((batch) => batch.items.length > 0 || batch.status !== 'live')) return seen;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    };

    // Invocations keep arriving, one after the other, for as long as the swaps go on.
    let invoking = true;
    let invoked = 0;
    const invocations = (async () => {
      while (invoking) {
        await invoke(runtime, `user${invoked}@example.com`);
        invoked++;
      }
    })();

    try {
      let tailId = (await h.call('tail.start', { environment: 'staging', filter: {} })).tailId;
      await untilItemsOrEnd(tailId);
      for (let swap = 0; swap < swaps; swap++) {
        const [stopped, started] = await Promise.all([
          h.call('tail.stop', { tailId }),
          h.call('tail.start', { environment: 'staging', filter: {} }),
        ]);
        expect(stopped).toEqual({ stopped: true });
        const previous = tailId;
        tailId = started.tailId;
        const seen = await untilItemsOrEnd(tailId);
        expect({ swap, failed: seen.filter((batch) => batch.status === 'failed') }).toEqual({ swap, failed: [] });
        expect(batches.get(previous)?.at(-1)?.status).toBe('ended');
      }
      expect(await h.call('tail.stop', { tailId })).toEqual({ stopped: true });
    } finally {
      invoking = false;
      await invocations;
      unsubscribe();
    }
    expect(h.internalErrors).toEqual([]);
    // Twenty swaps against a real runtime take seconds, more on a busy machine: no tight bound.
  }, 120_000);
});
