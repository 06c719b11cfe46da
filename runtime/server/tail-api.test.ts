import { describe, expect, it } from 'vitest';
import { api, bundleOf, publish, signupEvent, useServedRuntime, useTempDirs, type Served } from '../testing/harness';
import { tailItemSchema } from '../../shared/contract/rollout-channels';
import { invocationsOf, openTail, samplingOf, type TailClient } from '../tail/testing/tail-client';

const tempDir = useTempDirs();
const serve = useServedRuntime();

const invoke = (served: Served, hook: string, event: unknown) =>
  api(served.url, 'POST', `/v1/hooks/${hook}`, { token: served.token, body: { event } });

const signinEvent = (email: string) => ({ request: { ip: '203.0.113.9' }, user: { email }, method: 'password' });

/** A pipeline that allows, denies `@blocked.test` with a reason, and fails on `@crash.test`. */
const screening = bundleOf(
  {
    screen: `local domain = string.match(event.user.email, "@([^@]+)$")
if domain == "blocked.test" then return { allow = false, reason = "Blocked domain", code = "BLOCKED" } end
return true`,
    Crasher: { source: 'if string.find(event.user.email, "@crash.test", 1, true) then error("boom") end\nreturn true' },
  },
  { 'signup.before': { layers: [['screen'], ['Crasher']] }, 'signin.before': { layers: [['screen']] } },
);

async function traceIdsUntil(tail: TailClient, last: string): Promise<string[]> {
  await tail.waitFor((messages) => invocationsOf(messages).some((item) => item.traceId === last));
  return invocationsOf(tail.messages).map((item) => item.traceId as string);
}

describe('GET /v1/tail', () => {
  it('streams every invocation in order, with the opening share, as Server-Sent Events', async () => {
    const served = await serve(tempDir());
    expect((await publish(served, screening)).status).toBe(201);
    const tail = await openTail(served.url, '', served.token);
    expect(tail.status).toBe(200);
    expect(tail.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(tail.headers['cache-control']).toBe('no-store');
    expect(tail.headers['x-accel-buffering']).toBe('no');
    await tail.waitFor((messages) => samplingOf(messages).length > 0);
    expect(tail.messages[0]).toMatchObject({ event: 'retry', retry: expect.any(Number) });
    expect(samplingOf(tail.messages)[0]).toEqual({ rate: 1, dropped: 0 });

    const answered: string[] = [];
    for (let n = 0; n < 50; n++) {
      const email = n % 10 === 3 ? `u${n}@blocked.test` : `u${n}@example.test`;
      const answer = await invoke(served, 'signup.before', signupEvent(email));
      expect(answer.status).toBe(200);
      answered.push(answer.json.traceId as string);
    }
    expect(await traceIdsUntil(tail, answered.at(-1) ?? '')).toEqual(answered);
    const items = invocationsOf(tail.messages);
    for (const item of items) expect(tailItemSchema.safeParse(item).success).toBe(true);
    expect(items[3]).toMatchObject({
      hook: 'signup.before',
      mode: 'blocking',
      outcome: 'deny',
      version: 1,
      reason: 'Blocked domain',
      traceId: answered[3],
    });
    expect(new Date(items[0]?.at as string).toISOString()).toBe(items[0]?.at);
    expect(samplingOf(tail.messages)).toHaveLength(1);
    tail.close();
  });

  it('filters by hook, outcome, version and text', async () => {
    const served = await serve(tempDir());
    await publish(served, screening);
    const run = async () => {
      const ids: Record<string, string> = {};
      const call = async (name: string, hook: string, event: unknown) => {
        ids[name] = (await invoke(served, hook, event)).json.traceId as string;
      };
      await call('allowed', 'signup.before', signupEvent('a@example.test'));
      await call('denied', 'signup.before', signupEvent('b@blocked.test'));
      await call('failed', 'signup.before', signupEvent('c@crash.test'));
      await call('signin', 'signin.before', signinEvent('d@blocked.test'));
      return ids;
    };
    const expectFollowed = async (query: string, names: string[], sentinel: () => Promise<string>) => {
      const tail = await openTail(served.url, query, served.token);
      expect(tail.status, query).toBe(200);
      const ids = await run();
      const last = await sentinel();
      expect(await traceIdsUntil(tail, last), query).toEqual([...names.map((name) => ids[name]), last]);
      tail.close();
    };
    const denial = async () =>
      (await invoke(served, 'signup.before', signupEvent('z@blocked.test'))).json.traceId as string;
    const signin = async () =>
      (await invoke(served, 'signin.before', signinEvent('z@example.test'))).json.traceId as string;

    await expectFollowed('?hook=signin.before', ['signin'], signin);
    await expectFollowed('?hook=signin.before,signup.before', ['allowed', 'denied', 'failed', 'signin'], signin);
    await expectFollowed('?outcome=deny', ['denied', 'signin'], denial);
    await expectFollowed('?outcome=error&outcome=deny', ['denied', 'failed', 'signin'], denial);
    await expectFollowed('?text=bLoCkEd', ['denied', 'signin'], denial);
    await expectFollowed('?text=crasher', ['failed'], async () => {
      return (await invoke(served, 'signup.before', signupEvent('y@crash.test'))).json.traceId as string;
    });
    await expectFollowed('?version=1&hook=signup.before&outcome=deny', ['denied'], denial);
    const errorTail = await openTail(served.url, '?outcome=error', served.token);
    const failed = (await invoke(served, 'signup.before', signupEvent('x@crash.test'))).json;
    await traceIdsUntil(errorTail, failed.traceId as string);
    expect(invocationsOf(errorTail.messages)[0]).toMatchObject({
      outcome: 'error',
      error: { code: failed.error?.code, script: 'Crasher' },
      reason: expect.stringContaining('Crasher'),
    });
    errorTail.close();

    // A newer version: its invocations only.
    const v2 = bundleOf(
      { deny: 'return { allow = false, reason = "v2" }' },
      { 'signup.before': { layers: [['deny']] } },
    );
    expect((await publish(served, v2)).status).toBe(201);
    const second = await openTail(served.url, '?version=2', served.token);
    const first = await openTail(served.url, '?version=1', served.token);
    const now = (await invoke(served, 'signup.before', signupEvent('v@example.test'))).json.traceId as string;
    expect(await traceIdsUntil(second, now)).toEqual([now]);
    second.close();
    first.close();
    expect(invocationsOf(first.messages)).toEqual([]);
  });

  it('refuses a query it cannot follow with 400 INVALID_QUERY, naming each problem', async () => {
    const served = await serve(tempDir());
    const cases: [string, string][] = [
      ['?hook=signup.during', 'hook'],
      ['?hook=signup.before,', 'hook'],
      ['?outcome=maybe', 'outcome'],
      ['?version=one', 'version'],
      ['?version=0', 'version'],
      ['?version=1&version=2', 'version'],
      [`?text=${'a'.repeat(201)}`, 'text'],
      ['?maxRate=0', 'maxRate'],
      ['?maxRate=100000', 'maxRate'],
      ['?maxRate=2.5', 'maxRate'],
      ['?hooks=signup.before', 'hooks'],
    ];
    for (const [query, path] of cases) {
      const refused = await openTail(served.url, query, served.token);
      expect(refused.status, query).toBe(400);
      expect(refused.body?.error).toMatchObject({
        code: 'INVALID_QUERY',
        problems: [expect.objectContaining({ path })],
      });
    }
    const fine = await openTail(served.url, `?text=${'a'.repeat(200)}&maxRate=1&hook=signup.before`, served.token);
    expect(fine.status).toBe(200);
    fine.close();
  });

  it('samples a follower with a small maxRate under a burst: nothing refused, sent + dropped = matching, and says so', async () => {
    const served = await serve(tempDir());
    await publish(served, screening);
    const tail = await openTail(served.url, '?maxRate=1&hook=signup.before', served.token);
    await tail.waitFor((messages) => samplingOf(messages).length > 0);
    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, n) => invoke(served, 'signup.before', signupEvent(`b${n}@example.test`))),
    );
    expect(burst.map((answer) => answer.status)).toEqual(burst.map(() => 200));
    // Closing the server ends the stream, whose last word states the totals.
    await served.close();
    await tail.ended;
    const sent = invocationsOf(tail.messages);
    const reports = samplingOf(tail.messages);
    const last = reports.at(-1);
    expect(tail.messages.at(-1)?.event).toBe('sampling');
    expect(sent.length + (last?.dropped ?? -1)).toBe(60);
    // How many were dropped depends on how fast the burst ran; that a drop is told does not.
    if ((last?.dropped ?? 0) > 0) expect(reports.some((report) => report.rate < 1)).toBe(true);
    const traceIds = new Set(burst.map((answer) => answer.json.traceId));
    expect(new Set(sent.map((item) => item.traceId)).size).toBe(sent.length);
    expect(sent.every((item) => traceIds.has(item.traceId))).toBe(true);
  });

  it('checks the token and its scope like every route, and bounds the followers (429)', async () => {
    const served = await serve(tempDir());
    expect((await openTail(served.url)).status).toBe(401);
    expect((await openTail(served.url, '', 'nonsense')).status).toBe(401);
    const invokeOnly = await served.tokenWith(['invoke']);
    const forbidden = await openTail(served.url, '', invokeOnly);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body?.error?.code).toBe('FORBIDDEN');
    const reader = await served.tokenWith(['events:read']);
    const limit = served.runtime.tail.maxFollowers;
    const open: TailClient[] = [];
    for (let n = 0; n < limit; n++) {
      const tail = await openTail(served.url, '', reader);
      expect(tail.status).toBe(200);
      open.push(tail);
    }
    const refused = await openTail(served.url, '', reader);
    expect(refused.status).toBe(429);
    expect(refused.body?.error).toMatchObject({ code: 'TOO_MANY_FOLLOWERS', limit });
    expect(refused.headers['retry-after']).toBe('5');
    // Closing the server ends every open stream (else close() would wait on them).
    await served.close();
    await Promise.all(open.map((tail) => tail.ended));
  });
});
