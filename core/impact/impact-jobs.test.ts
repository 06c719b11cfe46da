import { describe, expect, it, vi } from 'vitest';
import type { ChannelOutput } from '../../shared/contract';
import { useAuthoringHarness, type AuthoringHarness } from '../authoring/testing/authoring-harness';
import { useTestRuntime, type TestRuntime } from '../publish/testing/runtime-process';
import { attachScript, denyMailinator } from '../replay/testing/replay-fixtures';
import { requireRealKeychain } from '../secrets/testing/real-keychain';

// The studio's impact job through the real router, the real replay pool and a real reference
// runtime on loopback (dist/node/runtime.mjs) that captured the events; then the publish gate on
// the flips it found, and "accept as expected".

requireRealKeychain();

const harness = useAuthoringHarness();
const startRuntime = useTestRuntime();

type Impact = ChannelOutput<'impact.progress'>;
type Publish = ChannelOutput<'publish.progress'>;

/** Denies mailinator (as published) … */
const published = denyMailinator();
/** … the candidate allows it again and denies blocked.test instead: two flips. */
const candidate = `local email = string.lower(event.user and event.user.email or "")
if email:find("blocked.test", 1, true) then
  return { allow = false, reason = "blocked domain", code = "BLOCKED" }
end
return true
`;

async function setUp() {
  const runtime = await startRuntime({
    studio: ['publish', 'secrets:write', 'events:read'],
    admin: ['invoke', 'events:read'],
  });
  const h = harness();
  await h.call('environments.update', { name: 'staging', runtimeUrl: runtime.url });
  await h.call('environments.setToken', { name: 'staging', token: runtime.tokens.studio ?? '' });
  return { h, runtime, admin: runtime.tokens.admin ?? '' };
}

/** Resolves with the first pushed payload of `name` that `done` accepts. */
function pushed<T>(h: AuthoringHarness, name: string, done: (payload: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const stop = h.core.events.subscribe((event) => {
      if (event.name !== name || !done(event.payload as T)) return;
      stop();
      resolve(event.payload as T);
    });
  });
}

async function publish(h: AuthoringHarness, message: string): Promise<Publish> {
  let jobId = '';
  const end = pushed<Publish>(h, 'publish.steps', (p) => p.status !== 'running' && p.jobId === jobId);
  ({ jobId } = await h.call('publish.start', { environment: 'staging', message }));
  return end;
}

/** Calls the runtime's hook as an app would, so that it captures the event. */
async function signUp(runtime: TestRuntime, token: string, email: string) {
  const answer = await runtime.api('POST', '/v1/hooks/signup.before', {
    token,
    body: { event: { user: { email }, provider: 'email', request: { ip: '203.0.113.7' } } },
  });
  expect(answer.status).toBe(200);
}

describe('impact (against a real runtime)', () => {
  it('finds the flips, pushes progress, gates the publish until acknowledged, and accepts an outcome', async () => {
    const { h, runtime, admin } = await setUp();
    await attachScript(h, 'gate', 'signup.before', published);
    const first = await publish(h, 'v1');
    // No impact of that pipeline was run: the gate is skipped and the publish goes on as before.
    expect(first.status).toBe('done');

    for (const email of ['alice@example.com', 'bob@mailinator.com', 'carol@blocked.test']) {
      await signUp(runtime, admin, email);
    }
    // The runtime writes what it captured in the background (every 20 ms here).
    await vi.waitFor(
      async () => {
        const captured = await runtime.api('GET', '/v1/events?limit=100', { token: admin });
        expect(captured.text.trim().split('\n')).toHaveLength(3);
      },
      { timeout: 30_000, interval: 20 },
    );
    // A pinned library event that the candidate denies: its outcome can be accepted as expected.
    await h.call('events.save', {
      record: {
        id: 'lib-dave',
        hook: 'signup.before',
        event: { user: { email: 'dave@blocked.test' }, provider: 'email', request: { ip: '203.0.113.9' } },
        outcome: { allow: true },
      },
      create: true,
    });
    await h.call('events.setPinned', { ids: ['lib-dave'], pinned: true });
    await attachScript(h, 'gate', 'signup.before', candidate);

    let impactId = '';
    const all: Impact[] = [];
    const stopWatching = h.core.events.subscribe((event) => {
      if (event.name === 'impact.progress') all.push(event.payload as Impact);
    });
    const end = pushed<Impact>(h, 'impact.progress', (p) => p.status !== 'running' && p.impactId === impactId);
    ({ impactId } = await h.call('impact.start', { environment: 'staging' }));
    const done = await end;
    stopWatching();
    expect(all.filter((p) => p.impactId === impactId).at(-1)).toEqual(done);
    expect(await h.call('impact.progress', { impactId })).toEqual(done);
    expect(done).toMatchObject({ status: 'done', total: 4, done: 4, candidate: { kind: 'workspace' } });
    expect(done.summary).toMatchObject({ events: 4, unchanged: 1, allowToDeny: 2, denyToAllow: 1 });
    const local = await h.call('publish.preview', { environment: 'staging' });
    expect(done.baselineHash).toBe(local.remote?.hash);
    expect(done.candidateHash).toBe(local.local.hash);

    const changes = await h.call('impact.changes', { impactId });
    expect(changes.total).toBe(3);
    const byEmail = new Map(changes.changes.map((c) => [c.id, c]));
    const dave = byEmail.get('lib-dave');
    expect(dave).toMatchObject({
      change: 'allow→deny',
      baseline: { ok: true, allow: true },
      candidate: { ok: true, allow: false, reason: 'blocked domain', code: 'BLOCKED' },
      scripts: ['gate'],
      acknowledged: false,
      inLibrary: true,
    });
    expect((await h.call('impact.changes', { impactId, kind: 'deny→allow' })).total).toBe(1);
    expect((await h.call('impact.changes', { impactId, script: 'other' })).total).toBe(0);
    // Both traces were stored in the workspace.
    for (const change of changes.changes) {
      for (const traceId of [change.baselineTraceId, change.candidateTraceId]) {
        expect((await h.call('traces.get', { traceId })).summary.eventId).toBe(change.id);
      }
    }

    // Accept as expected: the candidate's outcome becomes the library event's recorded outcome, so
    // the pinned suite of the publish below passes with it.
    const event = await h.call('events.acceptOutcome', { id: 'lib-dave', impactId });
    expect(event.outcome).toEqual({ allow: false, reason: 'blocked domain', code: 'BLOCKED', error: null });
    expect((await h.call('events.get', { id: 'lib-dave' })).pinned).toBe(true);
    const captured = changes.changes.find((c) => !c.inLibrary);
    expect((await h.fail('events.acceptOutcome', { id: captured?.id ?? '', impactId })).code).toBe('NOT_FOUND');

    // The flips are not acknowledged: the publish of this very pipeline stops before its request.
    const refused = await publish(h, 'v2');
    expect(refused.status).toBe('failed');
    expect(refused.error?.code).toBe('IMPACT_UNREVIEWED');
    expect(refused.error?.message).toContain('3 of 3 decision flips');
    expect((await h.call('publish.history', { environment: 'staging' })).versions).toHaveLength(1);

    const one = await h.call('impact.acknowledge', { impactId, ids: ['lib-dave'] });
    expect(one).toEqual({ acknowledged: 1, unacknowledgedFlips: 2 });
    expect((await h.fail('impact.acknowledge', { impactId, ids: ['nope'] })).code).toBe('NOT_FOUND');
    expect((await publish(h, 'v2')).error?.code).toBe('IMPACT_UNREVIEWED');
    const rest = await h.call('impact.acknowledge', { impactId, note: 'blocked.test is abusive' });
    expect(rest).toEqual({ acknowledged: 2, unacknowledgedFlips: 0 });

    const accepted = await publish(h, 'v2');
    expect(accepted.status).toBe('done');
    const history = await h.call('publish.history', { environment: 'staging' });
    expect(history.versions[0]?.message).toMatch(/^v2 \[impact .* reviewed: 3 flips acknowledged/);
    expect(history.versions[0]?.message).toContain('"blocked.test is abusive"');

    expect((await h.fail('impact.progress', { impactId: 'nope' })).code).toBe('NOT_FOUND');
    expect(h.internalErrors).toEqual([]);
  });

  it("compares one script's draft, and refuses a runtime with nothing active", async () => {
    const { h, runtime, admin } = await setUp();
    await attachScript(h, 'gate', 'signup.before', published);
    expect((await h.fail('impact.start', { environment: 'staging' })).code).toBe('NOTHING_TO_REPLAY');
    expect((await publish(h, 'v1')).status).toBe('done');
    await signUp(runtime, admin, 'carol@blocked.test');
    await vi.waitFor(
      async () => {
        const captured = await runtime.api('GET', '/v1/events?limit=100', { token: admin });
        expect(captured.text.trim()).not.toBe('');
      },
      { timeout: 30_000, interval: 20 },
    );
    let impactId = '';
    const end = pushed<Impact>(h, 'impact.progress', (p) => p.status !== 'running' && p.impactId === impactId);
    ({ impactId } = await h.call('impact.start', {
      environment: 'staging',
      includePinned: false,
      candidate: { kind: 'draft', scriptId: 'gate', source: candidate },
    }));
    const done = await end;
    expect(done).toMatchObject({ status: 'done', total: 1, candidate: { kind: 'draft', scriptId: 'gate' } });
    expect(done.summary.allowToDeny).toBe(1);
    // The draft is not the workspace's pipeline: publishing it is not gated by this impact.
    expect((await publish(h, 'same')).status).toBe('done');
    expect(
      (
        await h.fail('impact.start', {
          environment: 'staging',
          candidate: { kind: 'draft', scriptId: 'x', source: '' },
        })
      ).code,
    ).toBe('NOT_FOUND');
  });
});
