import { describe, expect, it } from 'vitest';
import type { Result } from '@shared/contract';
import { watchCalls } from './rollout-watch-calls';

/** A core whose answers the test releases one by one, in the order it chooses. */
function fakeCore() {
  const sent: string[] = [];
  const pending: (() => void)[] = [];
  const call = (name: string) => (environment: string) => {
    sent.push(`${name} ${environment}`);
    return new Promise<Result<unknown>>((resolve) => pending.push(() => resolve({ ok: true, value: name })));
  };
  return { sent, pending, watch: call('watch'), unwatch: call('unwatch') };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('watchCalls', () => {
  it('sends watch for the first watcher and unwatch after the last, never two calls at once', async () => {
    const core = fakeCore();
    const calls = watchCalls(core.watch, core.unwatch);
    void calls.acquire('staging');
    void calls.acquire('staging');
    calls.release('staging');
    calls.release('staging');
    void calls.acquire('staging');
    await settle();
    // Only the first watch is on its way until it is answered.
    expect(core.sent).toEqual(['watch staging']);
    core.pending.shift()?.();
    await settle();
    expect(core.sent).toEqual(['watch staging', 'unwatch staging']);
    core.pending.shift()?.();
    await settle();
    // Shown again right after it was left: watched again, after the unwatch was answered.
    expect(core.sent).toEqual(['watch staging', 'unwatch staging', 'watch staging']);
  });

  it('keeps environments apart', async () => {
    const core = fakeCore();
    const calls = watchCalls(core.watch, core.unwatch);
    void calls.acquire('staging');
    void calls.acquire('production');
    await settle();
    expect(core.sent).toEqual(['watch staging', 'watch production']);
    calls.release('production');
    await settle();
    expect(core.sent).toHaveLength(2);
    core.pending[1]?.();
    await settle();
    expect(core.sent).toEqual(['watch staging', 'watch production', 'unwatch production']);
  });

  it('answers a later watcher with the watch already sent', async () => {
    const core = fakeCore();
    const calls = watchCalls(core.watch, core.unwatch);
    const first = calls.acquire('staging');
    const second = calls.acquire('staging');
    await settle();
    core.pending.shift()?.();
    expect(await first).toEqual({ ok: true, value: 'watch' });
    expect(await second).toEqual({ ok: true, value: 'watch' });
    expect(core.sent).toEqual(['watch staging']);
  });
});
