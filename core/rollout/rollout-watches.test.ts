import { describe, expect, it } from 'vitest';
import { useRolloutFixture } from './testing/rollout-fixture';
import { nextEvent, studioScopes } from './testing/rollout-setup';

// rollouts.watch counts its watchers per environment (two windows, or two panels, showing the
// same rollout): one unwatch leaves the other's pushes going, the last one stops them. Against a
// real runtime on loopback, through the real router.

const fixture = useRolloutFixture();

describe('rollout watches', () => {
  it('keeps pushing rollout.status while one watcher is left, and stops with the last', async () => {
    const { h } = await fixture.connected({ studio: studioScopes });

    const first = nextEvent(h, 'rollout.status', (event) => event.environment === 'staging');
    expect(await h.call('rollouts.watch', { environment: 'staging' })).toEqual({ watching: true });
    expect(await h.call('rollouts.watch', { environment: 'staging' })).toEqual({ watching: true });
    expect(await first).toEqual({ environment: 'staging', rollout: null });

    // One of the two leaves: the other still gets the runtime's state, read after the unwatch.
    expect(await h.call('rollouts.unwatch', { environment: 'staging' })).toEqual({ watching: true });
    const after = nextEvent(h, 'rollout.status', (event) => event.environment === 'staging');
    expect(await after).toEqual({ environment: 'staging', rollout: null });

    // The last one leaves: the loop stops, and an unwatch too many does not count below zero.
    expect(await h.call('rollouts.unwatch', { environment: 'staging' })).toEqual({ watching: false });
    expect(await h.call('rollouts.unwatch', { environment: 'staging' })).toEqual({ watching: false });
    const again = nextEvent(h, 'rollout.status', (event) => event.environment === 'staging');
    expect(await h.call('rollouts.watch', { environment: 'staging' })).toEqual({ watching: true });
    expect(await again).toEqual({ environment: 'staging', rollout: null });
    expect(await h.call('rollouts.unwatch', { environment: 'staging' })).toEqual({ watching: false });
    expect(h.internalErrors).toEqual([]);
  });
});
