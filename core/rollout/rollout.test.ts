import { describe, expect, it, vi } from 'vitest';
import { attachScript, denyMailinator } from '../replay/testing/replay-fixtures';
import { Workspace } from '../store';
import { useRolloutFixture } from './testing/rollout-fixture';
import { invoke, nextEvent, runPublishJob } from './testing/rollout-setup';

// Rollouts through the studio's channels against a real reference runtime (dist/node/runtime.mjs
// as a child process on loopback), through the real router and the real keychain: started by a
// publish job, followed by pushed rollout.status, steered, promoted, and refused where the runtime
// refuses.

const fixture = useRolloutFixture();
const setUp = () => fixture.published('return true\n');

describe('rollouts (against a real runtime)', () => {
  it('starts a canary through the publish gates, is watched, steered, refuses a publish meanwhile, and is promoted into the history', async () => {
    const { h, runtime, base } = await setUp();
    expect(await h.call('rollouts.status', { environment: 'staging' })).toEqual({ rollout: null });

    await attachScript(h, 'gate', 'signup.before', denyMailinator());
    const started = await runPublishJob(h, {
      environment: 'staging',
      message: 'deny disposable addresses',
      rollout: { mode: 'canary', percent: 30, guard: { minSamples: 1000 } },
    });
    expect(started.status).toBe('done');
    expect(started.steps.map((step) => [step.id, step.status])).toEqual([
      ['validate', 'pass'],
      ['secrets', 'pass'],
      ['suite', 'skipped'],
      ['rollout', 'pass'],
      ['record', 'pass'],
    ]);
    const rolloutId = started.result?.rolloutId ?? '';
    expect(rolloutId).not.toBe('');
    expect(started.result?.version).toBeGreaterThan(base.version);

    // The page watches: the core pushes the runtime's state without being asked again.
    const pushed = nextEvent(h, 'rollout.status', (event) => event.rollout?.id === rolloutId);
    expect(await h.call('rollouts.watch', { environment: 'staging' })).toEqual({ watching: true });
    const status = await pushed;
    expect(status.error).toBeUndefined();
    expect(status.rollout).toMatchObject({ state: 'running', mode: 'canary', percent: 30, baseHash: base.hash });
    expect(await h.call('rollouts.unwatch', { environment: 'staging' })).toEqual({ watching: false });
    expect((await h.fail('rollouts.watch', { environment: 'nowhere' })).code).toBe('NOT_FOUND');

    // Nothing is drifting: the workspace recorded the start with the hash that stays active.
    const preview = await h.call('publish.preview', { environment: 'staging' });
    expect(preview.drift.detected).toBe(false);

    // A publish while it runs fails its publish step, saying what to do.
    const refused = await runPublishJob(h, { environment: 'staging', message: 'meanwhile' });
    expect(refused.status).toBe('failed');
    expect(refused.error?.code).toBe('ROLLOUT_RUNNING');
    expect(refused.steps.find((step) => step.id === 'publish')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/promote or abort the running rollout first/),
    });
    const second = await runPublishJob(h, {
      environment: 'staging',
      message: 'another',
      rollout: { mode: 'shadow', percent: 10 },
    });
    expect(second.error?.code).toBe('ROLLOUT_RUNNING');
    expect(second.steps.find((step) => step.id === 'rollout')?.status).toBe('fail');

    const set = await h.call('rollouts.setPercent', { environment: 'staging', percent: 100 });
    expect(set.rollout.percent).toBe(100);
    // Every user now gets the candidate, which names its version.
    const answer = await invoke(runtime, 'x@mailinator.com');
    expect(answer).toMatchObject({ allow: false, version: started.result?.version });

    const promoted = await h.call('rollouts.promote', { environment: 'staging' });
    expect(promoted).toMatchObject({ version: started.result?.version, hash: started.result?.hash });
    expect(promoted.rollout.state).toBe('promoted');
    const history = await h.call('publish.history', { environment: 'staging' });
    expect(history.active).toEqual({ version: promoted.version, hash: promoted.hash });

    const workspace = Workspace.open({ dir: h.dir });
    try {
      const records = workspace.publishes.list({ environment: 'staging' });
      expect(records.map((record) => record.message)).toEqual([
        expect.stringMatching(new RegExp(`^rollout ${rolloutId} promoted: version ${promoted.version} is active`)),
        expect.stringMatching(new RegExp(`^rollout ${rolloutId} started \\(canary 30%.*: deny disposable addresses$`)),
        'first',
      ]);
      expect(workspace.environments.get('staging')?.lastPublishedHash).toBe(promoted.hash);
    } finally {
      workspace.close();
    }

    // Ended: it can no longer be steered.
    expect((await h.fail('rollouts.abort', { environment: 'staging' })).code).toMatch(/^(ROLLOUT_ENDED|NO_ROLLOUT)$/);
    expect((await h.fail('rollouts.setPercent', { environment: 'staging', percent: 5 })).code).toBe('ROLLOUT_ENDED');
    expect(h.internalErrors).toEqual([]);
  });

  it('shadows a candidate: differences with both traces, a runtime trace in the trace view, abort keeps the active bundle', async () => {
    const { h, runtime, base } = await setUp();
    await attachScript(h, 'gate', 'signup.before', denyMailinator());
    const started = await runPublishJob(h, {
      environment: 'staging',
      message: 'shadow the deny',
      rollout: { mode: 'shadow', percent: 100 },
    });
    expect(started.status).toBe('done');

    const answer = await invoke(runtime, 'someone@mailinator.com');
    // The active bundle answered (allow); the candidate ran beside it and denied.
    expect(answer).toMatchObject({ allow: true, version: base.version });
    const differences = await vi.waitFor(
      async () => {
        const found = await h.call('rollouts.differences', { environment: 'staging', limit: 10 });
        if (found.differences.length === 0) throw new Error('no difference yet');
        return found.differences;
      },
      { timeout: 15_000, interval: 50 },
    );
    expect(differences[0]).toMatchObject({ hook: 'signup.before', kinds: ['allow→deny'] });

    const trace = await h.call('runtime.trace', { environment: 'staging', traceId: answer.traceId });
    expect(trace.summary).toMatchObject({ traceId: answer.traceId, hook: 'signup.before', status: 'ok' });
    expect(trace.spans[0]?.kind).toBe('hook');
    expect(trace.spans.some((span) => span.kind === 'script' && span.attributes['script.id'] === 'gate')).toBe(true);
    const candidateTrace = await h.call('runtime.trace', {
      environment: 'staging',
      traceId: differences[0]!.candidate.traceId,
    });
    expect(candidateTrace.summary.status).toBe('denied');
    expect((await h.fail('runtime.trace', { environment: 'staging', traceId: 'f'.repeat(32) })).code).toBe('NOT_FOUND');

    const aborted = await h.call('rollouts.abort', { environment: 'staging' });
    expect(aborted.rollout.state).toBe('aborted');
    expect((await h.call('publish.history', { environment: 'staging' })).active).toEqual({
      version: base.version,
      hash: base.hash,
    });
    expect(h.internalErrors).toEqual([]);
  });
});
