import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseRecordedEvents } from '../../shared/engine';
import { writeSelfSignedCertificate } from '../../shared/engine/node/testing/self-signed-certificate';
import { inCandidateShare } from '../rollout/sticky';
import type { FinishedInvocation } from '../tail/tail-types';
import { api, bundleOf, publish, signupEvent, useServedRuntime, useTempDirs } from '../testing/harness';
import { allowing, denying, invoke as signIn, signinEvent, startedRollout, userIds } from '../testing/rollout-fixtures';

const tempDir = useTempDirs();
const serve = useServedRuntime();

/**
 * Keeps the script busy for `ms` of wall time with few Lua instructions (each iteration spends a
 * few milliseconds inside a C string search), so that the instruction budget never trips first
 * however fast or loaded the machine is.
 */
const slow = (ms: number, then = 'return true') =>
  `local t = helpers.now()\nwhile helpers.now() - t < ${ms} do local _ = ("a"):rep(1500):find(".-b") end\n${then}`;

const invoke = (served: { url: string; token: string }, hook: string, event: unknown) =>
  api(served.url, 'POST', `/v1/hooks/${hook}`, { token: served.token, body: { event } });

/**
 * An HTTPS server on loopback that holds every request until the test calls `release(body)`,
 * then answers each with that body; closed after the test.
 */
async function heldUpstream(dir: string) {
  const files = writeSelfSignedCertificate(dir, { commonName: '127.0.0.1', altNames: ['IP:127.0.0.1'] });
  const cert = readFileSync(files.certFile, 'utf8');
  let release: (body: string) => void = () => {};
  const released = new Promise<string>((resolve) => {
    release = resolve;
  });
  const server = createServer({ cert, key: readFileSync(files.keyFile, 'utf8') }, (_request, response) => {
    void released.then((body) => response.end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { cert, origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, release };
}

describe('invoking hooks over HTTP', () => {
  it('allows and adds nothing when no bundle is active or the hook has no layers', async () => {
    const served = await serve(tempDir());
    expect((await invoke(served, 'signup.before', signupEvent('a@b.co'))).json).toMatchObject({ allow: true });
    const enrich = await invoke(served, 'session.enrich', {
      request: { ip: '203.0.113.1' },
      user: { email: 'a@b.co' },
      session: { id: 's1' },
    });
    expect(enrich.json).toEqual({ data: {}, traceId: expect.any(String), version: null });
    // No version decided it: the captured line has no `version` at all (docs/formats.md).
    const [captured] = await served.runtime.events({ hook: 'session.enrich' });
    expect(captured).toBeDefined();
    expect(captured).not.toHaveProperty('version');
    await publish(served, bundleOf({ a: 'return { allow = false }' }, { 'signup.before': { layers: [['a']] } }));
    expect(
      (
        await invoke(served, 'signin.before', {
          request: { ip: '203.0.113.1' },
          user: { email: 'a@b.co' },
          method: 'otp',
        })
      ).json,
    ).toMatchObject({
      allow: true,
    });
  });

  it('checks the hook and the event: 404 for an unknown hook, 422 naming the missing field', async () => {
    const served = await serve(tempDir());
    expect((await invoke(served, 'signup.during', {})).status).toBe(404);
    const invalid = await invoke(served, 'signup.before', { request: { ip: '1.2.3.4' }, provider: 'email' });
    expect(invalid.status).toBe(422);
    expect(invalid.json.error).toMatchObject({
      code: 'INVALID_EVENT',
      problems: [{ path: 'user', message: expect.any(String) }],
    });
    const notObject = await api(served.url, 'POST', '/v1/hooks/signup.before', {
      token: served.token,
      body: { event: [1] },
    });
    expect(notObject.status).toBe(422);
  });

  it('settles a script past its time limit by its onError, named in the answer', async () => {
    // Each script's limit is also capped below the hook deadline (active-set.ts); here the scripts'
    // own 200 ms limit applies, with the deadline far enough not to race it on a loaded machine.
    const served = await serve(tempDir(), { config: { deadlines: { blockingMs: 3000, enrichmentMs: 3000 } } });
    await publish(
      served,
      bundleOf(
        {
          'stuck-deny': { source: slow(5000), timeoutMs: 200 },
          'stuck-allow': { source: slow(5000), onError: 'allow', timeoutMs: 200 },
          'stuck-enrich': { source: slow(5000, 'return { x = 1 }'), timeoutMs: 200 },
          fine: 'return { y = 2 }',
        },
        {
          'signup.before': { layers: [['stuck-deny']] },
          'signin.before': { layers: [['stuck-allow']] },
          'token.enrich': { layers: [['stuck-enrich', 'fine']] },
        },
      ),
    );
    const started = Date.now();
    const denied = await invoke(served, 'signup.before', signupEvent('a@b.co'));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(denied.json).toMatchObject({
      allow: false,
      code: 'TIMEOUT',
      error: { code: 'TIMEOUT', script: 'stuck-deny' },
    });
    const allowed = await invoke(served, 'signin.before', {
      request: { ip: '203.0.113.1' },
      user: { email: 'a@b.co' },
      method: 'otp',
    });
    expect(allowed.json).toMatchObject({ allow: true, error: { code: 'TIMEOUT', script: 'stuck-allow' } });
    const enriched = await invoke(served, 'token.enrich', {
      request: { ip: '203.0.113.1' },
      user: { email: 'a@b.co' },
      token: { type: 'access' },
      claims: {},
    });
    expect(enriched.json).toMatchObject({ data: { y: 2 }, error: { code: 'TIMEOUT' } });
  });

  it('answers at the hook deadline when the layers together take longer, by the scripts’ onError', async () => {
    const served = await serve(tempDir(), { config: { deadlines: { blockingMs: 400 } } });
    const layers = { layers: [['s1'], ['s2'], ['s3']] };
    await publish(
      served,
      bundleOf(
        {
          s1: { source: slow(250), onError: 'allow' },
          s2: { source: slow(250) },
          s3: { source: slow(250), onError: 'allow' },
        },
        { 'signup.before': layers },
      ),
    );
    const started = Date.now();
    const answer = await invoke(served, 'signup.before', signupEvent('a@b.co'));
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(390);
    // (No upper bound on a loaded machine: the answer itself shows it came from the deadline, since
    // each script alone stays within its limit and a finished run would have allowed.)
    expect(answer.json).toMatchObject({ allow: false, code: 'TIMEOUT', error: { code: 'TIMEOUT' } });
    expect(answer.json.reason).toMatch(/did not finish within 400 ms/);

    // The run finished in its worker: its trace is kept, marked, under the answer's trace id.
    await served.runtime.flush();
    const traces = await served.runtime.traces();
    const trace = traces.find((t) => t.traceId === answer.json.traceId);
    expect(trace?.spans[0]?.attributes).toMatchObject({ 'runtime.deadline_exceeded': true, 'runtime.answer': 'deny' });
    const events = await served.runtime.events();
    expect(events.at(-1)?.outcome).toMatchObject({ allow: false, error: { code: 'TIMEOUT' } });

    // All allow: the deadline lets the sign-up through.
    await publish(
      served,
      bundleOf(
        { s1: { source: slow(250), onError: 'allow' }, s2: { source: slow(250), onError: 'allow' } },
        { 'signup.before': { layers: [['s1'], ['s2']] } },
      ),
    );
    expect((await invoke(served, 'signup.before', signupEvent('a@b.co'))).json).toMatchObject({
      allow: true,
      error: { code: 'TIMEOUT' },
    });
  });

  it('accepts async hooks at once (202) and runs them in the background, traced', async () => {
    // The script waits on a request the test answers only once it holds the 202, and the answer is
    // the 202's trace id: a runtime that waited for the run before answering could never finish
    // it with that id (its fetches would fail first), and its tail would tell of the run first.
    const upstream = await heldUpstream(tempDir());
    const served = await serve(tempDir(), {
      fetch: { ca: upstream.cert, unsafeAllowAddressesForTests: ['127.0.0.1'] },
    });
    // One fetch waits at most 3 s (helpers/fetch.ts), so the script asks again, within the async
    // deadline, rather than fail on a machine slow to hand the test its answer.
    const audit = `local last
for _ = 1, 3 do
  local ok, r = pcall(helpers.fetch, "${upstream.origin}/audit")
  if ok then return { audited = r.body } end
  last = r
end
error(last)`;
    await publish(
      served,
      bundleOf({ audit: { source: audit, timeoutMs: 10_000 } }, { 'signup.after': { layers: [['audit']] } }),
    );
    const order: string[] = [];
    const ended = new Promise<FinishedInvocation>((resolve) => {
      const follower = served.runtime.tail.subscribe({ hooks: ['signup.after'] }, (delivery) => {
        if (delivery.kind !== 'invocation') return;
        order.push('run ended');
        resolve(delivery.invocation);
      });
      onTestFinished(() => follower.close());
    });
    const accepted = await invoke(served, 'signup.after', {
      request: { ip: '203.0.113.1' },
      user: { id: 'u1', email: 'a@b.co' },
    });
    order.push('answered');
    expect(accepted.status).toBe(202);
    expect(accepted.json).toEqual({ accepted: true, traceId: expect.stringMatching(/^[0-9a-f]{32}$/), version: 1 });
    const traceId = accepted.json.traceId as string;
    upstream.release(traceId);
    const finished = await ended;
    expect(order).toEqual(['answered', 'run ended']);
    expect(finished).toMatchObject({ hook: 'signup.after', outcome: 'accepted', traceId });
    await served.runtime.flush();
    const [event] = await served.runtime.events({ hook: 'signup.after' });
    expect(event?.outcome).toEqual({ results: { audit: { audited: traceId } } });
    expect(event).toMatchObject({ version: 1 });
    const otlp = await api(served.url, 'GET', '/v1/traces?limit=5', { token: served.token });
    const spans =
      (otlp.json.resourceSpans as { scopeSpans: { spans: { traceId: string; name: string }[] }[] }[])[0]?.scopeSpans[0]
        ?.spans ?? [];
    const names = spans.filter((s) => s.traceId === traceId).map((s) => s.name);
    expect(names.slice(0, 3)).toEqual(['hook signup.after', 'layer 1', 'script audit']);
    // One fetch span per attempt; a second attempt only on a machine too slow for the first.
    expect(names.length).toBeGreaterThan(3);
    expect(new Set(names.slice(3))).toEqual(new Set([`fetch GET ${upstream.origin}/audit`]));
  });

  it('pages events by hook, since and limit, and refuses a bad query with 400', async () => {
    const served = await serve(tempDir());
    for (let i = 0; i < 5; i++) await invoke(served, 'signup.before', signupEvent(`u${i}@example.com`));
    await invoke(served, 'signin.before', { request: { ip: '203.0.113.1' }, user: { email: 'a@b.co' }, method: 'otp' });
    const lines = async (query: string) =>
      (await api(served.url, 'GET', `/v1/events${query}`, { token: served.token })).text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { id: string; hook: string; at: string });
    const all = await lines('');
    expect(all).toHaveLength(6);
    expect((await lines('?hook=signup.before')).every((e) => e.hook === 'signup.before')).toBe(true);
    const lastTwo = await lines('?limit=2');
    expect(lastTwo.map((e) => e.id)).toEqual(all.slice(-2).map((e) => e.id));
    const since = await lines(`?since=${encodeURIComponent(all[3]?.at ?? '')}`);
    expect(since.map((e) => e.id)).toEqual(expect.arrayContaining(all.slice(3).map((e) => e.id)));
    expect((await lines('?since=0&limit=1')).map((e) => e.id)).toEqual([all[0]?.id]);
    for (const bad of ['?limit=0', '?limit=x', '?hook=nope', '?since=yesterday', '?other=1']) {
      expect((await api(served.url, 'GET', `/v1/events${bad}`, { token: served.token })).status, bad).toBe(400);
    }
  });

  it('captures only the sampled share of invocations, but traces every one', async () => {
    const served = await serve(tempDir(), { config: { capture: { sampleRate: 0 } } });
    for (let i = 0; i < 3; i++) await invoke(served, 'signup.before', signupEvent(`u${i}@example.com`));
    expect(await served.runtime.events()).toHaveLength(0);
    expect(await served.runtime.traces()).toHaveLength(3);
  });

  it('names the deciding version in each captured event: the candidate for a user in a canary share', async () => {
    const served = await serve(tempDir());
    expect((await publish(served, allowing('base'))).status).toBe(201);
    const rollout = await startedRollout(served, { bundle: denying('candidate'), mode: 'canary', percent: 50 });
    expect(rollout).toMatchObject({ baseVersion: 1, candidateVersion: 2 });
    // One user on each side of the share; the bucket is a pure function of the rollout id and the key.
    const users = userIds(64);
    const inShare = users.find((user) => inCandidateShare(rollout.id, user, 50));
    const outside = users.find((user) => !inCandidateShare(rollout.id, user, 50));
    if (inShare === undefined || outside === undefined) throw new Error('64 users all fell on one side of 50%');
    expect(await signIn(served, signinEvent(inShare))).toMatchObject({ allow: false, version: 2 });
    expect(await signIn(served, signinEvent(outside))).toMatchObject({ allow: true, version: 1 });

    const text = (await api(served.url, 'GET', '/v1/events?hook=signin.before', { token: served.token })).text;
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { outcome: { allow: boolean }; version?: number });
    // The candidate denies and the base allows, so each line's outcome says which bundle decided it.
    expect(lines.map((line) => [line.outcome.allow, line.version]).sort()).toEqual([
      [false, 2],
      [true, 1],
    ]);
    // The studio's import reads such a line as before: `version` is an extra field it leaves out.
    const parsed = parseRecordedEvents(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.events).toEqual(lines.map(({ version: _version, ...rest }) => rest));
  });

  it('captures one event per invocation during a shadow, the active bundle’s, never the shadow run’s', async () => {
    // Room for every shadow run at once, so none is skipped and each leaves its trace.
    const served = await serve(tempDir(), { config: { rollouts: { shadowConcurrency: 8 } } });
    expect((await publish(served, allowing('base'))).status).toBe(201);
    await startedRollout(served, { bundle: denying('candidate'), mode: 'shadow', percent: 100 });
    const users = userIds(3);
    for (const user of users)
      expect(await signIn(served, signinEvent(user))).toMatchObject({ allow: true, version: 1 });
    // Shadow runs are background runs: flush() waits for them, so their traces are stored too.
    await served.runtime.flush();
    expect((await served.runtime.currentRollout())?.stats.shadowSkipped).toBe(0);
    const events = await served.runtime.events({ hook: 'signin.before' });
    expect(events.map((event) => [event.outcome, (event as { version?: number }).version])).toEqual(
      users.map(() => [{ allow: true }, 1]),
    );
    expect(await served.runtime.traces()).toHaveLength(2 * users.length);
  });
});
