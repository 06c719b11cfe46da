import { describe, expect, it } from 'vitest';
import type { RuntimeConfigInput } from '../config';
import { createRuntime, type Runtime } from '../runtime';
import { testKey, useTempDirs } from '../testing/harness';
import { allowing, denying, erroring, rolloutHook, signinEvent, userIds } from '../testing/rollout-fixtures';
import type { FinishedInvocation } from '../tail/tail-types';

// The rollout controller through the runtime library, with a real SQLite file and a real engine
// pool: routing, the guard's synchronous rollback, shadow runs beside the answer and their bound,
// labels on answers, traces and the tail, and following a rollout across a restart.

const tempDir = useTempDirs('rollout-controller-');

async function open(dataDir: string, config: RuntimeConfigInput = {}, random?: () => number): Promise<Runtime> {
  return createRuntime({
    dataDir,
    secretsKey: testKey,
    config: { workers: 1, ...config },
    log: () => {},
    ...(random ? { random } : {}),
  });
}

async function withBase(dataDir = tempDir(), config: RuntimeConfigInput = {}, random?: () => number) {
  const runtime = await open(dataDir, config, random);
  await runtime.publish({ bundle: allowing('base'), expectedHash: null, author: 'ada' });
  return runtime;
}

const run = (runtime: Runtime, user: string) => runtime.runHook(rolloutHook, signinEvent(user));

describe('the rollout controller', () => {
  it('rolls back on the guard before the next invocation, and records it in the storage', async () => {
    const runtime = await withBase();
    const rollout = await runtime.startRollout({
      bundle: erroring('candidate'),
      mode: 'canary',
      percent: 100,
      guard: { minSamples: 5 },
      author: 'ada',
      expectedHash: runtime.activeHash(),
    });
    const versions: (number | null)[] = [];
    for (const user of userIds(8)) versions.push((await run(runtime, user)).version);
    const candidate = rollout.candidateVersion;
    expect(versions).toEqual([candidate, candidate, candidate, candidate, candidate, 1, 1, 1]);
    const ended = await runtime.currentRollout();
    expect(ended).toMatchObject({ id: rollout.id, state: 'rolled-back', reason: expect.stringMatching(/error rate/i) });
    expect(ended?.stats.candidate).toMatchObject({ n: 5, errors: 5 });
    // Runs after the rollback are outside the rollout: not counted.
    expect(ended?.stats.active.n).toBe(0);
    await expect(runtime.setRolloutPercent(50, 'ada')).rejects.toMatchObject({ code: 'ROLLOUT_ENDED' });
    await runtime.close();
  });

  it('runs shadows after the answer, never changing it, and skips beyond its bound', async () => {
    // random 0: every invocation is drawn for a shadow run; one may run at a time.
    const runtime = await withBase(tempDir(), { rollouts: { shadowConcurrency: 1 } }, () => 0);
    const seen: FinishedInvocation[] = [];
    runtime.tail.publish = (invocation) => void seen.push(invocation);
    const rollout = await runtime.startRollout({
      bundle: denying('candidate'),
      mode: 'shadow',
      percent: 100,
      author: 'ada',
      expectedHash: runtime.activeHash(),
    });
    const users = userIds(10);
    const answers = await Promise.all(users.map((user) => run(runtime, user)));
    expect(answers.every((answer) => answer.allow === true && answer.version === 1)).toBe(true);
    await runtime.flush();

    const current = await runtime.currentRollout();
    expect(current?.stats.active.n).toBe(users.length);
    expect(current?.stats.shadowSkipped).toBeGreaterThan(0);
    expect(current?.stats.candidate.n).toBe(users.length - (current?.stats.shadowSkipped ?? 0));
    expect(current?.stats.differences).toMatchObject({
      n: current?.stats.candidate.n,
      allowToDeny: current?.stats.candidate.n,
    });
    const differences = await runtime.rolloutDifferences(100);
    expect(differences).toHaveLength(current?.stats.candidate.n ?? -1);
    expect(differences[0]).toMatchObject({
      kinds: ['allow→deny'],
      active: { version: 1, outcome: { allow: true } },
      candidate: { version: rollout.candidateVersion, outcome: { allow: false } },
    });

    // The tail and the traces say which part each run played.
    const shadows = seen.filter((invocation) => invocation.rollout?.role === 'shadow');
    expect(shadows).toHaveLength(current?.stats.candidate.n ?? -1);
    expect(shadows.every((invocation) => invocation.version === rollout.candidateVersion)).toBe(true);
    expect(seen.filter((invocation) => invocation.rollout?.role === 'active')).toHaveLength(users.length);
    const shadowTrace = await runtime.trace(shadows[0]?.traceId ?? '');
    expect(shadowTrace?.spans[0]?.attributes).toMatchObject({
      'runtime.bundle_version': rollout.candidateVersion,
      'runtime.rollout_id': rollout.id,
      'runtime.rollout_role': 'shadow',
    });
    // A shadow run captures no event of its own: the active run's is the one kept.
    expect(await runtime.events({ limit: 100 })).toHaveLength(users.length);
    await runtime.close();
  });

  it('follows a running rollout across a restart, with the counts written at close', async () => {
    const dir = tempDir();
    const first = await withBase(dir);
    const rollout = await first.startRollout({
      bundle: denying('candidate'),
      mode: 'canary',
      percent: 100,
      author: 'ada',
      expectedHash: first.activeHash(),
    });
    const answer = await run(first, 'u1');
    expect(answer).toMatchObject({ allow: false, version: rollout.candidateVersion });
    const trace = await first.trace(answer.traceId);
    expect(trace?.spans[0]?.attributes).toMatchObject({
      'runtime.bundle_version': rollout.candidateVersion,
      'runtime.rollout_role': 'candidate',
    });
    await expect(
      first.publish({ bundle: allowing('other'), expectedHash: first.activeHash(), author: 'bob' }),
    ).rejects.toMatchObject({ code: 'ROLLOUT_RUNNING' });
    await first.close();

    const second = await open(dir);
    expect(await run(second, 'u2')).toMatchObject({ allow: false, version: rollout.candidateVersion });
    expect((await second.currentRollout())?.stats.candidate.n).toBe(2);
    const promoted = await second.promoteRollout('bob');
    expect(promoted).toMatchObject({ state: 'promoted' });
    expect(second.activeBundle()).toMatchObject({ version: rollout.candidateVersion, kind: 'rollout' });
    // Promoted: the active bundle decides, outside any rollout.
    const after = await run(second, 'u3');
    expect(after).toMatchObject({ allow: false, version: rollout.candidateVersion });
    expect((await second.trace(after.traceId))?.spans[0]?.attributes['runtime.rollout_role']).toBeUndefined();
    await second.close();
  });

  it('lets the active bundle decide an event without any sticky key', async () => {
    const runtime = await withBase();
    const rollout = await runtime.startRollout({
      bundle: denying('candidate'),
      mode: 'canary',
      percent: 100,
      author: 'ada',
      expectedHash: runtime.activeHash(),
    });
    // signup.before carries no user.id, and here an empty e-mail and address: no key at all.
    const keyless = await runtime.runHook('signup.before', { request: { ip: '' }, user: { email: '' }, provider: 'x' });
    expect(keyless.version).toBe(1);
    expect((await run(runtime, 'keyed')).version).toBe(rollout.candidateVersion);
    await runtime.close();
  });
});
