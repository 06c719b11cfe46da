import { describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../runtime';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage';
import type { RuntimeStorage } from '../storage/types';
import { testKey, useTempDirs } from '../testing/harness';
import { allowing, denying, rolloutHook, signinEvent } from '../testing/rollout-fixtures';

// The library's rollout requests and their refusals (the same codes the HTTP layer maps), and the
// counts' writes failing without failing anything else. Real SQLite files, a real pool.

const tempDir = useTempDirs('rollout-lifecycle-');

async function open(options: { storage?: RuntimeStorage; log?: (message: string) => void } = {}): Promise<Runtime> {
  const dataDir = tempDir();
  return createRuntime({
    dataDir,
    ...(options.storage ? { storage: options.storage } : {}),
    secretsKey: testKey,
    config: { workers: 1, rollouts: { countsIntervalMs: 100 } },
    log: options.log ?? (() => {}),
  });
}

const start = (runtime: Runtime, extra: Record<string, unknown> = {}) =>
  runtime.startRollout({
    bundle: denying('candidate'),
    mode: 'canary',
    percent: 50,
    author: 'ada',
    expectedHash: runtime.activeHash(),
    ...extra,
  });

describe('rollout requests through the library', () => {
  it('refuses what cannot start or be steered, with the codes the API maps', async () => {
    const runtime = await open();
    await expect(runtime.currentRollout()).resolves.toBeUndefined();
    await expect(runtime.setRolloutPercent(10, 'ada')).rejects.toMatchObject({ code: 'NO_ROLLOUT' });
    await expect(runtime.rolloutDifferences(10)).rejects.toMatchObject({ code: 'NO_ROLLOUT' });
    await expect(start(runtime)).rejects.toMatchObject({ code: 'NO_ACTIVE_BUNDLE' });

    await runtime.publish({ bundle: allowing('base'), expectedHash: null, author: 'ada' });
    for (const bad of [{ percent: 0 }, { percent: 12.5 }, { mode: 'blue-green' }, { guard: { minSamples: 0 } }]) {
      await expect(start(runtime, bad)).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    }
    await expect(start(runtime, { expectedHash: 'f'.repeat(64) })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    await expect(start(runtime, { bundle: allowing('base') })).rejects.toMatchObject({ code: 'BUNDLE_UNCHANGED' });

    const rollout = await start(runtime, { guard: { maxP99Ms: 500 } });
    expect(rollout).toMatchObject({
      state: 'running',
      stickyBy: 'user.id',
      guard: { maxErrorRate: 0.05, maxP99Ms: 500, minSamples: 50 },
      stats: { candidate: { n: 0 }, shadowSkipped: 0 },
    });
    await expect(start(runtime, { bundle: denying('other') })).rejects.toMatchObject({
      code: 'ROLLOUT_RUNNING',
      details: { rolloutId: rollout.id },
    });
    await expect(runtime.rollback({ version: 1, author: 'ada' })).rejects.toMatchObject({ code: 'ROLLOUT_RUNNING' });
    await expect(runtime.setRolloutPercent(101, 'ada')).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    expect(await runtime.setRolloutPercent(100, 'ada')).toMatchObject({ percent: 100 });
    expect((await runtime.runHook(rolloutHook, signinEvent('u'))).version).toBe(rollout.candidateVersion);

    expect(await runtime.abortRollout('bob')).toMatchObject({ state: 'aborted', reason: 'aborted by bob' });
    expect((await runtime.runHook(rolloutHook, signinEvent('u'))).version).toBe(1);
    await expect(runtime.promoteRollout('ada')).rejects.toMatchObject({ code: 'ROLLOUT_ENDED' });
    await runtime.close();
  });

  it('logs a failing counts write and goes on answering', async () => {
    const storage = openSqliteStorage(tempDir());
    storage.putRolloutCounts = () => Promise.reject(new Error('disk full'));
    const logged: string[] = [];
    let failed!: () => void;
    const failedOnce = new Promise<void>((resolve) => (failed = resolve));
    const runtime = await open({
      storage,
      log: (message) => {
        logged.push(message);
        if (message.includes('disk full')) failed();
      },
    });
    await runtime.publish({ bundle: allowing('base'), expectedHash: null, author: 'ada' });
    const rollout = await start(runtime, { percent: 100 });
    expect((await runtime.runHook(rolloutHook, signinEvent('u1'))).version).toBe(rollout.candidateVersion);
    await failedOnce;
    expect((await runtime.runHook(rolloutHook, signinEvent('u2'))).version).toBe(rollout.candidateVersion);
    expect(logged.some((message) => message.startsWith('rollout counts: disk full'))).toBe(true);
    await runtime.close();
  });
});
