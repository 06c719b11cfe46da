import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeClient } from './runtime-client';
import { RuntimeRequestError } from './runtime-http';

// How a 429 reads in the studio, from a real HTTP server on loopback answering as the runtime
// does: only the failure limit's (TOO_MANY_FAILURES, or a 429 without the runtime's JSON) speaks of
// failed authentications; the live tail's followers cap keeps the runtime's code and words.

const servers: { close(): void; closeAllConnections(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(answer: (res: ServerResponse) => void): Promise<RuntimeClient> {
  const server = createServer((_req, res) => answer(res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new RuntimeClient(`http://127.0.0.1:${port}`, 'psrt_secret_token', 'staging', 5000);
}

function tooMany(res: ServerResponse, body: string | null, type = 'application/json') {
  res.writeHead(429, { 'content-type': type, 'retry-after': '5' });
  res.end(body ?? '');
}

async function refusalOf(attempt: Promise<unknown>): Promise<RuntimeRequestError> {
  const error: unknown = await attempt.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RuntimeRequestError);
  return error as RuntimeRequestError;
}

const openTail = (client: RuntimeClient) =>
  client.openTail(
    {},
    () => {},
    () => {},
  );

describe('a 429 from the runtime', () => {
  it('keeps TOO_MANY_FOLLOWERS, its message, its body and the Retry-After, with no word of authentications', async () => {
    const client = await serve((res) =>
      tooMany(
        res,
        JSON.stringify({
          error: {
            code: 'TOO_MANY_FOLLOWERS',
            message: 'the live tail already has 32 followers on this instance',
            limit: 32,
          },
        }),
      ),
    );
    const error = await refusalOf(openTail(client));
    expect(error.code).toBe('RUNTIME_REFUSED');
    expect(error.status).toBe(429);
    expect(error.runtimeCode).toBe('TOO_MANY_FOLLOWERS');
    expect(error.body).toMatchObject({ limit: 32 });
    expect(error.message).toContain('TOO_MANY_FOLLOWERS: the live tail already has 32 followers on this instance');
    expect(error.message).toContain('retry in 5 s');
    expect(error.message).not.toMatch(/authentication/);
    expect(error.message).not.toContain('psrt_');
  });

  it('speaks of failed authentications for TOO_MANY_FAILURES', async () => {
    const client = await serve((res) =>
      tooMany(
        res,
        JSON.stringify({
          error: { code: 'TOO_MANY_FAILURES', message: 'too many failed authentications from this address' },
        }),
      ),
    );
    const error = await refusalOf(client.history());
    expect(error.code).toBe('RUNTIME_REFUSED');
    expect(error.runtimeCode).toBe('TOO_MANY_FAILURES');
    expect(error.message).toMatch(
      /refusing requests from this address after too many failed authentications \(429\); retry in 5 s/,
    );
  });

  it('speaks of failed authentications when the 429 carries no code of the runtime (a proxy page)', async () => {
    const client = await serve((res) => tooMany(res, '<html>slow down</html>', 'text/html'));
    const error = await refusalOf(openTail(client));
    expect(error.code).toBe('RUNTIME_REFUSED');
    expect(error.runtimeCode).toBeUndefined();
    expect(error.message).toMatch(/too many failed authentications \(429\); retry in 5 s/);
  });
});
