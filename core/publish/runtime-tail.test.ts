import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeClient } from './runtime-client';
import { followTail } from './runtime-tail';

// The live tail's reader against answers a real runtime never gives, from a real HTTP server on
// loopback standing in for a broken proxy or a hostile host: each is refused or ends the stream
// with a message, never buffered without bound, and the token never appears in a message.

const servers: { close(): void; closeAllConnections(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(answer: (res: ServerResponse, url: string) => void): Promise<RuntimeClient> {
  const server = createServer((req, res) => answer(res, req.url ?? ''));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new RuntimeClient(`http://127.0.0.1:${port}`, 'psrt_secret_token', 'staging', 5000);
}

const stream = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/event-stream' });
const item = {
  at: '2026-12-03T10:00:00.000Z',
  hook: 'signup.before',
  mode: 'blocking',
  outcome: 'deny',
  version: 3,
  durationMs: 1.5,
  traceId: 'a'.repeat(32),
};

describe('the live tail reader', () => {
  it('reads invocations and sampling, split anywhere across chunks, and sends the filter as the query', async () => {
    let asked = '';
    const client = await serve((res, url) => {
      asked = url;
      stream(res);
      const text = `: hello\r\nevent: sampling\r\ndata: {"rate":1,"dropped":0}\r\n\r\nevent: invocation\ndata: ${JSON.stringify(item)}\n\n`;
      // One byte at a time: lines and CRLFs cut in the middle.
      for (const char of text) res.write(char);
    });
    const items: unknown[] = [];
    const samplings: unknown[] = [];
    let got = () => {};
    const arrived = new Promise<void>((resolve) => (got = resolve));
    const tail = await client.openTail(
      { hooks: ['signup.before', 'signin.before'], outcomes: ['deny'], text: 'a b' },
      (received) => {
        items.push(received);
        got();
      },
      (sampling) => samplings.push(sampling),
    );
    await arrived;
    expect(asked).toBe('/v1/tail?hook=signup.before&hook=signin.before&outcome=deny&text=a+b');
    expect(samplings).toEqual([{ rate: 1, dropped: 0 }]);
    expect(items).toEqual([item]);
    tail.stop();
    expect(await tail.ended).toBeNull();
  });

  it('refuses an answer that is not an event stream, and a refusal keeps the runtime code', async () => {
    const page = await serve((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    await expect(
      page.openTail(
        {},
        () => {},
        () => {},
      ),
    ).rejects.toMatchObject({
      code: 'RUNTIME_UNREACHABLE',
      message: expect.stringMatching(/text\/html.*instead of an event stream/),
    });
    const refusing = await serve((res) =>
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end('{"error":{"code":"INVALID_QUERY","message":"bad hook"}}'),
    );
    const refusal = await refusing
      .openTail(
        {},
        () => {},
        () => {},
      )
      .catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'RUNTIME_REFUSED', runtimeCode: 'INVALID_QUERY' });
    expect((refusal as Error).message).not.toContain('psrt_');
  });

  it('ends the stream with a message on an endless line, an item that is not one, or the runtime closing it', async () => {
    const endless = await serve((res) => {
      stream(res);
      res.write(`data: ${'x'.repeat(70 * 1024)}`);
    });
    const long = await endless.openTail(
      {},
      () => {},
      () => {},
    );
    expect((await long.ended)?.message).toMatch(/longer than 64 KB/);

    const wrong = await serve((res) => {
      stream(res);
      res.write(`event: invocation\ndata: ${JSON.stringify({ ...item, hook: 'no.such.hook' })}\n\n`);
    });
    const invalid = await wrong.openTail(
      {},
      () => {},
      () => {},
    );
    expect((await invalid.ended)?.message).toMatch(/invocation the studio cannot read/);

    const closing = await serve((res) => {
      stream(res);
      res.end('event: sampling\ndata: {"rate":1,"dropped":0}\n\n');
    });
    const closed = await closing.openTail(
      {},
      () => {},
      () => {},
    );
    expect((await closed.ended)?.message).toBe('the runtime ended the stream');
  });

  it('stop cancels the body itself, so the connection closes even when fetch no longer hears its signal', async () => {
    // A body that, like a fetch whose request object was collected, ignores the tail's controller:
    // only cancelling the stream ends it.
    let cancelled = 0;
    let push = (_text: string) => {};
    const body = new ReadableStream<Uint8Array>({
      start(streamController) {
        push = (text) => streamController.enqueue(new TextEncoder().encode(text));
      },
      cancel() {
        cancelled++;
      },
    });
    const items: unknown[] = [];
    let got = () => {};
    const first = new Promise<void>((resolve) => (got = resolve));
    const tail = followTail(
      body,
      new AbortController(),
      (received) => {
        items.push(received);
        got();
      },
      () => {},
    );
    push(`event: invocation\ndata: ${JSON.stringify(item)}\n\n`);
    await first;
    tail.stop();
    expect(await tail.ended).toBeNull();
    expect(cancelled).toBe(1);
    // The stream is closed: what the runtime would still send has nowhere to go.
    expect(() => push(`event: invocation\ndata: ${JSON.stringify(item)}\n\n`)).toThrow(/closed/);
    expect(items).toHaveLength(1);
  });

  it('stops following the runtime at once: its connection closes on stop', async () => {
    let closed = () => {};
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const client = await serve((res) => {
      stream(res);
      res.write('event: sampling\ndata: {"rate":1,"dropped":0}\n\n');
      res.on('close', () => closed());
    });
    const tail = await client.openTail(
      {},
      () => {},
      () => {},
    );
    tail.stop();
    expect(await tail.ended).toBeNull();
    await connectionClosed;
  });
});
