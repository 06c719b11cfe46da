import { describe, expect, it } from 'vitest';
import { bundleHash } from '../../shared/engine/node/bundle-files';
import type { RuntimeConfigInput } from '../config';
import { api, useServedRuntime, useTempDirs, type ApiResponse } from '../testing/harness';
import {
  allowing,
  currentRollout,
  denying,
  differencesOf,
  erroring,
  eventually,
  gateBundle,
  invoke,
  invokeEach,
  publishOn,
  signinEvent,
  slow,
  startRollout,
  startedRollout,
  steer,
  userIds,
  type BlockingAnswer,
} from '../testing/rollout-fixtures';

// Rollouts over real HTTP on loopback against a runtime on a SQLite file (docs/runtime.md,
// "Rollouts"): the canary's share and stickiness, a shadow that never changes an answer, the
// guard's automatic rollback on errors and on latency, promote and abort, and the refusals.

const tempDir = useTempDirs('rollout-api-');
const serve = useServedRuntime();
const long = 180_000;

/** A runtime serving `base` as version 1. */
async function servedWith(base = allowing('base'), config: RuntimeConfigInput = {}) {
  const served = await serve(tempDir(), { config });
  expect((await publishOn(served, base)).status).toBe(201);
  return served;
}

const share = (answers: BlockingAnswer[], version: number) =>
  answers.filter((answer) => answer.version === version).length / answers.length;

describe('canary rollouts', () => {
  it(
    'gives the candidate to its percent of users, sticks per user, and keeps them when the percent rises',
    async () => {
      const served = await servedWith();
      const before = await api(served.url, 'GET', '/v1/rollouts/current', { token: served.token });
      expect(before.status).toBe(404);
      expect(before.json.error?.code).toBe('NO_ROLLOUT');

      const rollout = await startedRollout(served, { bundle: denying('candidate'), mode: 'canary', percent: 30 });
      expect(rollout).toMatchObject({ mode: 'canary', percent: 30, state: 'running', stickyBy: 'user.id' });
      expect(rollout).toMatchObject({ baseVersion: 1, candidateHash: bundleHash(denying('candidate')) });
      expect(rollout.candidateVersion).toBeGreaterThan(1);

      const users = userIds(1000);
      const first = await invokeEach(served, users);
      // The version names the bundle that decided: only the candidate denies.
      for (const answer of first) expect(answer.version === rollout.candidateVersion).toBe(answer.allow === false);
      expect(first.every((answer) => answer.version === 1 || answer.version === rollout.candidateVersion)).toBe(true);
      expect(Math.abs(share(first, rollout.candidateVersion) - 0.3)).toBeLessThanOrEqual(0.05);

      const sample = users.filter((_, i) => i % 5 === 0);
      const again = await invokeEach(served, sample);
      expect(again.map((answer) => answer.version)).toEqual(sample.map((_, i) => first[i * 5]?.version));

      expect((await steer(served, { percent: 60 })).status).toBe(200);
      expect(await currentRollout(served)).toMatchObject({ percent: 60, state: 'running' });
      const raised = await invokeEach(served, users);
      first.forEach((answer, i) => {
        if (answer.version === rollout.candidateVersion) expect(raised[i]?.version).toBe(rollout.candidateVersion);
      });
      expect(Math.abs(share(raised, rollout.candidateVersion) - 0.6)).toBeLessThanOrEqual(0.05);
    },
    long,
  );

  it(
    'sticks by the field stickyBy names, and falls back from user.id to user.email',
    async () => {
      const served = await servedWith();
      const byIp = await startedRollout(served, {
        bundle: denying('candidate'),
        mode: 'canary',
        percent: 50,
        stickyBy: 'request.ip',
      });
      expect(byIp.stickyBy).toBe('request.ip');
      // One address, many users: one version for all of them; many addresses: both versions.
      const oneAddress = await Promise.all(
        userIds(40).map((user) => invoke(served, signinEvent(user, '198.51.100.4'))),
      );
      expect(new Set(oneAddress.map((answer) => answer.version)).size).toBe(1);
      const addresses = Array.from({ length: 100 }, (_, i) => `198.51.100.${i + 1}`);
      const spread = await Promise.all(addresses.map((ip) => invoke(served, signinEvent('same-user', ip))));
      expect(new Set(spread.map((answer) => answer.version))).toEqual(new Set([1, byIp.candidateVersion]));
      expect((await steer(served, 'abort')).status).toBe(200);

      // The default key is user.id; an event without one is decided by its user.email.
      const byUser = await startedRollout(served, { bundle: denying('candidate'), mode: 'canary', percent: 50 });
      const withoutId = (email: string, ip: string) => ({ request: { ip }, user: { email }, method: 'password' });
      const byEmail = new Set<number | null>();
      for (const email of userIds(16, 'no-id').map((name) => `${name}@example.com`)) {
        const answers = await Promise.all(addresses.slice(0, 8).map((ip) => invoke(served, withoutId(email, ip))));
        expect(new Set(answers.map((answer) => answer.version)).size).toBe(1);
        byEmail.add(answers[0]?.version ?? null);
      }
      expect(byEmail).toEqual(new Set([1, byUser.candidateVersion]));
    },
    long,
  );
});

describe('shadow rollouts', () => {
  it(
    'answers from the active bundle as without a rollout, and lists what the candidate decided differently',
    async () => {
      // Room for every shadow run: none is skipped, so each one's difference must show.
      const served = await servedWith(allowing('base'), { rollouts: { shadowConcurrency: 32 } });
      const users = userIds(20, 'shadow-user');
      const without = await invokeEach(served, users, 1);

      const rollout = await startedRollout(served, { bundle: denying('candidate'), mode: 'shadow', percent: 100 });
      const within = await invokeEach(served, users, 1);
      const fields = ({ traceId: _traceId, ...rest }: BlockingAnswer) => rest;
      expect(within.map(fields)).toEqual(without.map(fields));
      expect(within.every((answer) => answer.allow === true && answer.version === 1)).toBe(true);

      const counted = await eventually(
        () => currentRollout(served),
        (current) => current.stats.differences.n + current.stats.shadowSkipped >= users.length,
        'the shadow runs to be counted',
      );
      expect(counted.stats.shadowSkipped).toBe(0);
      expect(counted.stats.differences).toMatchObject({ n: users.length, allowToDeny: users.length, denyToAllow: 0 });
      expect(counted.stats.candidate.n).toBe(users.length);

      const differences = await differencesOf(served);
      expect(differences).toHaveLength(users.length);
      const answered = new Set(within.map((answer) => answer.traceId));
      for (const difference of differences) {
        expect(difference.kinds).toContain('allow→deny');
        expect(difference.active).toMatchObject({ version: 1, outcome: { allow: true } });
        expect(difference.candidate).toMatchObject({ version: rollout.candidateVersion, outcome: { allow: false } });
        expect(answered.has(difference.active.traceId)).toBe(true);
        expect(difference.candidate.traceId).not.toBe(difference.active.traceId);
        // Redacted as a captured event is: the address keeps its domain, not its local part.
        const event = JSON.stringify(difference.event);
        expect(event).toContain('example.com');
        expect(event).not.toMatch(/shadow-user-\d+@/);
        for (const traceId of [difference.active.traceId, difference.candidate.traceId]) {
          const trace = await eventually(
            () => api(served.url, 'GET', `/v1/traces/${traceId}`, { token: served.token }),
            (answer) => answer.status !== 404,
            `trace ${traceId} to be stored`,
          );
          expect(trace.status).toBe(200);
          expect(trace.text).toContain(traceId);
        }
      }
    },
    long,
  );
});

describe('the guard', () => {
  it(
    'rolls back a candidate whose runs fail, once it has minSamples runs',
    async () => {
      const served = await servedWith();
      const rollout = await startedRollout(served, {
        bundle: erroring('candidate'),
        mode: 'canary',
        percent: 100,
        guard: { minSamples: 20 },
      });
      let candidateRuns = 0;
      for (const user of userIds(60)) {
        const answer = await invoke(served, signinEvent(user));
        if (answer.version === rollout.candidateVersion) candidateRuns++;
        else break;
      }
      const ended = await currentRollout(served);
      expect(ended.state).toBe('rolled-back');
      expect(ended.reason).toMatch(/error rate/i);
      expect(candidateRuns).toBeLessThanOrEqual(20);
      expect(ended.stats.candidate.n).toBeGreaterThanOrEqual(20);
      expect(await invoke(served, signinEvent('after'))).toMatchObject({ allow: true, version: 1 });
    },
    long,
  );

  it(
    'rolls back a candidate whose p99 passes maxP99Ms, with errors allowed',
    async () => {
      const served = await servedWith();
      const rollout = await startedRollout(served, {
        bundle: slow('candidate', 30),
        mode: 'canary',
        percent: 100,
        guard: { maxP99Ms: 10, maxErrorRate: 1, minSamples: 10 },
      });
      let candidateRuns = 0;
      for (const user of userIds(40)) {
        const answer = await invoke(served, signinEvent(user));
        if (answer.version === rollout.candidateVersion) candidateRuns++;
        else break;
      }
      const ended = await currentRollout(served);
      expect(ended).toMatchObject({ state: 'rolled-back' });
      expect(ended.reason).toMatch(/p99/i);
      expect(candidateRuns).toBeLessThanOrEqual(10);
      expect(ended.stats.candidate.p99Ms).toBeGreaterThan(10);
      expect((await invoke(served, signinEvent('after'))).version).toBe(1);
    },
    long,
  );
});

describe('ending a rollout', () => {
  it(
    'promote makes the candidate active under its reserved version; abort keeps the base',
    async () => {
      const served = await servedWith();
      const candidate = denying('candidate');
      const rollout = await startedRollout(served, { bundle: candidate, mode: 'canary', percent: 10, message: 'try' });
      const promoted = await steer(served, 'promote');
      expect(promoted.status).toBe(200);
      expect(await currentRollout(served)).toMatchObject({ id: rollout.id, state: 'promoted' });
      const bundle = await api(served.url, 'GET', '/v1/bundle', { token: served.token });
      expect(bundle.json).toMatchObject({ version: rollout.candidateVersion, hash: bundleHash(candidate) });
      const history = await api(served.url, 'GET', '/v1/bundle/history', { token: served.token });
      expect((history.json.versions as Record<string, unknown>[])[0]).toMatchObject({
        version: rollout.candidateVersion,
        kind: 'rollout',
        hash: bundleHash(candidate),
      });
      for (const answer of await invokeEach(served, userIds(20))) {
        expect(answer).toMatchObject({ allow: false, version: rollout.candidateVersion });
      }
      for (const action of ['promote', 'abort', { percent: 50 }] as const) {
        const late = await steer(served, action);
        expect({ action, status: late.status, code: late.json.error?.code }).toEqual({
          action,
          status: 409,
          code: 'ROLLOUT_ENDED',
        });
      }

      const next = await startedRollout(served, { bundle: allowing('next'), mode: 'canary', percent: 100 });
      expect(next.baseVersion).toBe(rollout.candidateVersion);
      expect((await steer(served, 'abort')).status).toBe(200);
      expect(await currentRollout(served)).toMatchObject({ id: next.id, state: 'aborted' });
      const kept = await api(served.url, 'GET', '/v1/bundle', { token: served.token });
      expect(kept.json).toMatchObject({ version: rollout.candidateVersion, hash: bundleHash(candidate) });
      expect((await invoke(served, signinEvent('someone'))).version).toBe(rollout.candidateVersion);
      // The aborted candidate's number stays unused: the next publish takes a new one.
      const published = await publishOn(served, allowing('later'));
      expect(published.json.version).toBeGreaterThan(next.candidateVersion);
    },
    long,
  );
});

describe('refusals', () => {
  it(
    'guards the active bundle while a rollout runs, and refuses bad requests with their codes',
    async () => {
      const served = await servedWith();
      const base = bundleHash(allowing('base'));
      const body = { bundle: denying('candidate'), mode: 'canary', percent: 20 };
      const refused = async (answer: Promise<ApiResponse>) => {
        const { status, json } = await answer;
        return { status, code: json.error?.code };
      };

      expect(await refused(startRollout(served, body, null))).toEqual({ status: 428, code: 'PRECONDITION_REQUIRED' });
      expect(await refused(startRollout(served, body, '"0000"'))).toEqual({ status: 412, code: 'PRECONDITION_FAILED' });
      for (const bad of [
        { ...body, percent: 0 },
        { ...body, percent: 101 },
        { ...body, percent: 1.5 },
        { ...body, mode: 'blue-green' },
        { ...body, stickyBy: 'user.name' },
        { ...body, guard: { maxErrorRate: 2 } },
        { ...body, extra: true },
        { mode: 'canary', percent: 20 },
      ]) {
        expect({ bad, ...(await refused(startRollout(served, bad))) }).toEqual({
          bad,
          status: 422,
          code: 'INVALID_BODY',
        });
      }
      const invalid = gateBundle('invalid', 'return (');
      expect(await refused(startRollout(served, { ...body, bundle: invalid }))).toEqual({
        status: 422,
        code: 'PIPELINE_INVALID',
      });
      const needsSecret = { ...denying('secretive'), secrets: ['NOT_SET'] };
      expect(await refused(startRollout(served, { ...body, bundle: needsSecret }))).toEqual({
        status: 409,
        code: 'SECRETS_MISSING',
      });

      const invokeOnly = await served.tokenWith(['invoke']);
      const readOnly = await served.tokenWith(['events:read']);
      const asToken = (token: string) => ({ url: served.url, token });
      expect((await api(served.url, 'POST', '/v1/rollouts', { body })).status).toBe(401);
      expect((await startRollout(asToken(invokeOnly), body)).status).toBe(403);
      expect((await startRollout(asToken('psrt_nope_nope'), body)).status).toBe(401);

      await startedRollout(served, body);
      expect(await refused(startRollout(served, { ...body, bundle: denying('second') }))).toEqual({
        status: 409,
        code: 'ROLLOUT_RUNNING',
      });
      expect(await refused(publishOn(served, allowing('other')))).toEqual({ status: 409, code: 'ROLLOUT_RUNNING' });
      const rollback = api(served.url, 'POST', '/v1/bundle/rollback', { token: served.token, body: { version: 1 } });
      expect(await refused(rollback)).toEqual({ status: 409, code: 'ROLLOUT_RUNNING' });
      for (const percent of [0, 101, 2.5]) {
        expect(await refused(steer(served, { percent }))).toEqual({ status: 422, code: 'INVALID_BODY' });
      }
      for (const [method, path] of [
        ['GET', '/v1/rollouts/current'],
        ['PATCH', '/v1/rollouts/current'],
        ['POST', '/v1/rollouts/current/promote'],
        ['POST', '/v1/rollouts/current/abort'],
        ['GET', '/v1/rollouts/current/differences'],
      ] as const) {
        const body = method === 'GET' ? {} : { body: { percent: 5 } };
        expect({ path, status: (await api(served.url, method, path, body)).status }).toEqual({ path, status: 401 });
        const scoped = path.endsWith('differences') ? invokeOnly : readOnly;
        const status = (await api(served.url, method, path, { token: scoped, ...body })).status;
        expect({ path, status }).toEqual({ path, status: 403 });
      }
      expect((await api(served.url, 'GET', '/v1/rollouts/current/differences', { token: readOnly })).status).toBe(200);
      // None of it changed the rollout or the active bundle.
      expect(await currentRollout(served)).toMatchObject({ percent: 20, state: 'running', baseHash: base });
      expect((await api(served.url, 'GET', '/v1/health')).json.activeHash).toBe(base);
    },
    long,
  );
});
