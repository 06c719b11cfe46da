import { describe, expect, it } from 'vitest';
import { bundleHash } from '../shared/engine/node/bundle-files';
import { parseRuntimeConfig, RuntimeConfigError } from './config';
import { createRuntime, type Runtime } from './runtime';
import { openSqliteStorage } from './storage/sqlite/sqlite-storage';
import { bundleOf, exampleBundle, signupEvent, testKey, useTempDirs } from './testing/harness';

const tempDir = useTempDirs();

async function open(dataDir = tempDir(), config = {}): Promise<Runtime> {
  return createRuntime({ dataDir, secretsKey: testKey, config: { workers: 1, ...config }, log: () => {} });
}

/** Layer 2 repeats what layer 1 returned: an answer mixing two bundles would read "A/B". */
const twoLayers = (name: string) => ({
  ...bundleOf(
    {
      first: `return { allow = true, v = "${name}" }`,
      second: `return { allow = false, reason = ctx.results["first"].v .. "/${name}" }`,
    },
    { 'signup.before': { layers: [['first'], ['second']] } },
  ),
  name,
});

describe('the runtime library', () => {
  it('runs the example bundle in-process, as a host application embedding it would', async () => {
    const runtime = await open();
    const bundle = await exampleBundle();
    const published = await runtime.publish({ bundle, expectedHash: null, author: 'ada', message: 'first' });
    expect(published).toMatchObject({ changed: true, active: { version: 1, hash: bundleHash(bundle), author: 'ada' } });
    expect(runtime.activeHash()).toBe(bundleHash(bundle));
    expect(await runtime.runHook('signup.before', signupEvent('x@10minutemail.com'))).toMatchObject({
      allow: false,
      reason: 'disposable email',
      code: 'DISPOSABLE',
    });
    await expect(runtime.runHook('nope', {})).rejects.toMatchObject({ code: 'UNKNOWN_HOOK' });
    await expect(runtime.runHook('signup.before', { request: {} })).rejects.toMatchObject({ code: 'INVALID_EVENT' });
    await runtime.close();
    await expect(runtime.runHook('signup.before', signupEvent('a@b.co'))).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('activates atomically: invocations in flight during publishes see one bundle whole, never a mix', async () => {
    const runtime = await open(tempDir(), { workers: 2 });
    await runtime.publish({ bundle: twoLayers('A'), expectedHash: null, author: 't' });
    const answers: Promise<{ reason?: string }>[] = [];
    let expected = runtime.activeHash();
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 20; i++) answers.push(runtime.runHook('signup.before', signupEvent(`u${i}@example.com`)));
      const next = twoLayers(round % 2 === 0 ? 'B' : 'A');
      const result = await runtime.publish({ bundle: next, expectedHash: expected, author: 't' });
      expected = result.active.hash;
    }
    const reasons = new Set((await Promise.all(answers)).map((answer) => answer.reason));
    expect([...reasons].every((reason) => reason === 'A/A' || reason === 'B/B')).toBe(true);
    expect(reasons.size).toBe(2);
    await runtime.close();
  });

  it('keeps its state across restarts: active bundle, history, secrets by name', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await first.setSecret('API_KEY', 'value');
    await first.publish({ bundle: twoLayers('A'), expectedHash: null, author: 'a', message: 'm1' });
    const v2 = await first.publish({ bundle: twoLayers('B'), expectedHash: first.activeHash(), author: 'b' });
    await first.rollback({ version: 1, author: 'c' });
    await first.close();

    const second = await open(dir);
    expect(second.activeBundle()).toMatchObject({
      version: 3,
      kind: 'rollback',
      restoredFrom: 1,
      hash: bundleHash(twoLayers('A')),
    });
    expect((await second.history()).map((v) => [v.version, v.author])).toEqual([
      [3, 'c'],
      [2, 'b'],
      [1, 'a'],
    ]);
    expect(second.secretNames()).toEqual([{ name: 'API_KEY', updatedAt: expect.any(Number) }]);
    await expect(second.rollback({ version: 2, expectedHash: v2.active.hash, author: 'd' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      details: { activeHash: bundleHash(twoLayers('A')) },
    });
    await expect(second.setSecret('bad name', 'v')).rejects.toMatchObject({ code: 'INVALID_NAME' });
    await second.close();
  });

  it('takes another storage implementation and an explicit key, without a data folder', async () => {
    const storage = openSqliteStorage(tempDir());
    const runtime = await createRuntime({ storage, secretsKey: testKey, config: { workers: 1 }, log: () => {} });
    expect(await runtime.runHook('signup.before', signupEvent('a@b.co'))).toMatchObject({ allow: true });
    await runtime.close();
  });
});

describe('runtime configuration', () => {
  it('fills defaults and refuses unknown or out-of-range fields, naming them', () => {
    const config = parseRuntimeConfig({ capture: { sampleRate: 0.25 } });
    expect(config).toMatchObject({
      source: 'runtime',
      deadlines: { blockingMs: 2000, enrichmentMs: 2000, asyncMs: 10_000 },
      capture: { sampleRate: 0.25, redaction: { emails: 'mask', ips: 'truncate' } },
      retention: { maxTraces: 20_000 },
      authFailures: { max: 10 },
    });
    expect(() => parseRuntimeConfig({ capture: { sampleRate: 2 } })).toThrow(RuntimeConfigError);
    expect(() => parseRuntimeConfig({ deadline: {} })).toThrow(/deadline/);
  });
});
