import http, { type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TailHub, type TailHubOptions } from './tail-hub';
import { openTailStream, type OpenTailStream, type TailStreamOptions } from './tail-stream';
import { invocation } from './testing/invocations';
import { invocationsOf, openTail, samplingOf } from './testing/tail-client';

// One follower's stream over real HTTP on loopback, served by openTailStream alone, so that the
// heartbeat and the byte limits can be set small.

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serveTail(hubOptions: TailHubOptions, streamOptions: Partial<TailStreamOptions> = {}) {
  const hub = new TailHub({ log: () => {}, ...hubOptions });
  const responses: ServerResponse[] = [];
  const streams: OpenTailStream[] = [];
  const server = http.createServer((_req, res) => {
    responses.push(res);
    streams.push(
      openTailStream(res, hub, {
        filter: {},
        headers: { 'x-content-type-options': 'nosniff' },
        heartbeatMs: 60_000,
        retryMs: 3000,
        maxBufferedBytes: 4 * 1024 * 1024,
        ...streamOptions,
      }),
    );
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { hub, url, responses, streams };
}

const bulky = (n: number) => invocation(n, { reason: `r${n} ${'x'.repeat(16 * 1024)}` });

describe('a tail stream', () => {
  it('sends a heartbeat comment while idle', async () => {
    const { url } = await serveTail({}, { heartbeatMs: 20 });
    const tail = await openTail(url);
    await tail.waitFor((messages) => messages.some((m) => m.event === 'comment' && m.data === 'heartbeat'));
    tail.close();
  });

  it('frees its place in the hub when the client goes', async () => {
    const { hub, url, responses } = await serveTail({ maxFollowers: 1 });
    const tail = await openTail(url);
    await tail.waitFor((messages) => samplingOf(messages).length > 0);
    expect(hub.followers).toBe(1);
    tail.close();
    const response = responses[0];
    if (response && !response.destroyed) await once(response, 'close');
    expect(hub.followers).toBe(0);
    hub.publish(invocation(1));
  });

  it('ends from the server with a last sampling message stating the totals', async () => {
    const { hub, url, streams } = await serveTail({ now: () => 0, maxRate: 5 });
    const tail = await openTail(url);
    await tail.waitFor((messages) => samplingOf(messages).length > 0);
    for (let n = 0; n < 20; n++) hub.publish(invocation(n));
    streams[0]?.end();
    await tail.ended;
    expect(invocationsOf(tail.messages)).toHaveLength(5);
    expect(samplingOf(tail.messages).at(-1)).toEqual({ rate: 0.25, dropped: 15 });
    expect(hub.followers).toBe(0);
  });

  it('cuts a client that stopped reading once its unsent bytes pass the hard cap', async () => {
    // The soft limit is out of reach here, so only the hard cap can stop it.
    const { hub, url } = await serveTail(
      { maxRate: 1_000_000, softBacklogBytes: Number.MAX_SAFE_INTEGER },
      { maxBufferedBytes: 1024 * 1024 },
    );
    const tail = await openTail(url);
    await tail.waitFor((messages) => samplingOf(messages).length > 0);
    tail.pause();
    let published = 0;
    while (hub.followers > 0 && published < 20_000) hub.publish(bulky(published++));
    expect(hub.followers).toBe(0);
    tail.close();
  });

  it('samples a slow client down, then cuts it once it takes nothing for a whole heartbeat', async () => {
    const { hub, url, responses } = await serveTail(
      { maxRate: 1_000_000, softBacklogBytes: 64 * 1024 },
      { heartbeatMs: 20, maxBufferedBytes: 1024 * 1024 * 1024 },
    );
    const tail = await openTail(url);
    await tail.waitFor((messages) => samplingOf(messages).length > 0);
    tail.pause();
    const response = responses[0];
    let published = 0;
    let mostUnsent = 0;
    // Invocations keep coming (between them the heartbeat runs): the unsent bytes never grow much
    // past the soft limit, since nothing more is sent over it, and the stream is cut in the end.
    while (hub.followers > 0) {
      hub.publish(bulky(published++));
      mostUnsent = Math.max(mostUnsent, response?.writableLength ?? 0);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(mostUnsent).toBeGreaterThan(64 * 1024);
    expect(mostUnsent).toBeLessThan(64 * 1024 + 2 * 17 * 1024);
    expect(hub.followers).toBe(0);
    tail.close();
  });
});
