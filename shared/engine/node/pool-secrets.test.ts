import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { defaultLimits, maxTimeoutMs } from '../limits';
import type { ExecutionPlan, SecretProvider } from '../types';
import { createEnginePool, type EnginePool } from './pool';
import { sampleEvent } from './sandbox/testing';

// Secrets per job: each runPipeline may bring its own provider, so that runs of different
// environments share one pool (one worker, even) and each reads its own values. Runs are held in
// flight by providers that answer only once every run of the round has asked, so the runs surely
// overlap; a pool that ran them one after the other would never answer and the runs would end as
// TIMEOUT, failing the test rather than hanging it.

const testTimeout = 120_000;
let shared: EnginePool | undefined;
afterAll(async () => {
  await shared?.close();
});
function pool(): EnginePool {
  shared ??= createEnginePool({
    workers: 1,
    stallMs: 3_600_000,
    startMs: 3_600_000,
    secrets: { get: async () => 'the-pool-default' },
  });
  return shared;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Reads TOKEN (and OTHER, which this plan does not declare) and returns what it could see. */
function readingPlan(key: string): ExecutionPlan {
  const source = `local ok, other = pcall(helpers.secret, "OTHER")
    return { token = helpers.hash("sha256", helpers.secret("TOKEN")), other = ok and "read" or "refused" }`;
  return {
    key: `${key}:signup.after`,
    hook: 'signup.after',
    mode: 'async',
    layers: [[{ id: 'reader', source, contentHash: key }]],
    env: {},
    secretNames: ['TOKEN'],
    limits: { ...defaultLimits, timeoutMs: maxTimeoutMs },
  };
}

/** Providers that hold every answer until `count` names have been asked of them all together. */
function heldTogether(values: readonly string[]) {
  const asked: string[][] = values.map(() => []);
  let total = 0;
  let releaseAll: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    releaseAll = resolve;
  });
  const providers: SecretProvider[] = values.map((value, i) => ({
    async get(name) {
      asked[i]?.push(name);
      if (++total === values.length) releaseAll();
      await released;
      return name === 'TOKEN' ? value : `${value}-other`;
    },
  }));
  return { providers, asked };
}

describe('secrets per job', { timeout: testTimeout }, () => {
  test("jobs running at the same time with different providers each read their own value, never the other's", async () => {
    const engines = pool();
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.string({ maxLength: 40 }), { minLength: 2, maxLength: 4 }), async (texts) => {
        // Returned values are masked wherever a secret appears (sandbox/logs.ts): a value with a
        // dash never appears inside the hex of a hash.
        const values = texts.map((text) => `value-${text}`);
        const held = heldTogether(values);
        const runs = await Promise.all(
          held.providers.map((secrets, i) => engines.runPipeline(readingPlan(`job-${i}`), sampleEvent, { secrets })),
        );
        runs.forEach((run, i) => {
          expect(run.result.error).toBeUndefined();
          expect(run.result.results.reader).toEqual({ token: sha256(values[i] as string), other: 'refused' });
          // Each provider was asked once, for the declared name only, by its own job.
          expect(held.asked[i]).toEqual(['TOKEN']);
        });
      }),
      { numRuns: 30 },
    );
    expect(engines.stats().restarts).toBe(0);
  });

  test("a job without a provider reads the pool's; one with a provider never falls back to it", async () => {
    const engines = pool();
    const fromPool = await engines.runPipeline(readingPlan('default'), sampleEvent);
    expect(fromPool.result.results.reader).toMatchObject({ token: sha256('the-pool-default') });
    const empty: SecretProvider = { get: async () => undefined };
    const own = await engines.runPipeline(readingPlan('own'), sampleEvent, { secrets: empty });
    expect(own.result.error).toMatchObject({ code: 'SECRET_NOT_FOUND', scriptId: 'reader' });
  });

  test("a provider that fails reads as a missing value, and only that job's", async () => {
    const engines = pool();
    const failing: SecretProvider = {
      get: () => Promise.reject(new Error('the keychain is locked')),
    };
    const [failed, fine] = await Promise.all([
      engines.runPipeline(readingPlan('failing'), sampleEvent, { secrets: failing }),
      engines.runPipeline(readingPlan('fine'), sampleEvent, { secrets: { get: async () => 'fine-value' } }),
    ]);
    expect(failed.result.error?.code).toBe('SECRET_NOT_FOUND');
    expect(fine.result.results.reader).toMatchObject({ token: sha256('fine-value') });
  });
});
