import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Router } from '../router';
import { EventBus } from '../events/event-bus';
import { startWebHost, type WebHost } from './server';
import { runningProgress } from '../../shared/contract/testing/replay-progress';

// The web host's Server-Sent Events over real HTTP on loopback: a client holds the stream open,
// the test emits on the core's bus, and the client reads exactly what was emitted.

const progress = runningProgress;

const router: Router = { dispatch: async () => ({ ok: true, value: null }) };
let host: WebHost;
let bus: EventBus;
const opened: ClientRequest[] = [];

beforeEach(async () => {
  const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'web-events-'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>');
  bus = new EventBus();
  host = await startWebHost({ router, rendererDir, events: bus, maxEventStreams: 2 });
});

afterEach(async () => {
  for (const request of opened.splice(0)) request.destroy();
  await host.close();
});

interface Stream {
  response: IncomingMessage;
  /** Resolves with everything read so far once it contains `text`. */
  until(text: string): Promise<string>;
  ended: Promise<void>;
}

/** Opens the events path as a browser's EventSource would, with whatever headers the test sets. */
function openStream(headers: Record<string, string> = {}, pathname = `/s/${host.token}/events`): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: host.port,
        path: pathname,
        headers: { host: `127.0.0.1:${host.port}`, accept: 'text/event-stream', ...headers },
      },
      (response) => {
        let text = '';
        const waiting: { text: string; resolve: (all: string) => void }[] = [];
        response.setEncoding('utf8');
        const check = () => {
          for (const wait of [...waiting]) {
            if (text.includes(wait.text)) {
              waiting.splice(waiting.indexOf(wait), 1);
              wait.resolve(text);
            }
          }
        };
        response.on('data', (chunk: string) => {
          text += chunk;
          check();
        });
        const ended = new Promise<void>((done) => response.on('end', done));
        resolve({
          response,
          ended,
          until: (wanted) =>
            new Promise((found) => {
              waiting.push({ text: wanted, resolve: found });
              check();
            }),
        });
      },
    );
    opened.push(request);
    request.on('error', reject);
    request.end();
  });
}

describe('web host: pushed events', () => {
  it('streams each emitted event as one SSE message, with the security headers', async () => {
    const stream = await openStream({ origin: host.origin, 'sec-fetch-site': 'same-origin' });
    expect(stream.response.statusCode).toBe(200);
    expect(stream.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers['cache-control']).toBe('no-store');
    expect(stream.response.headers['x-content-type-options']).toBe('nosniff');
    expect(stream.response.headers['content-security-policy']).toContain("script-src 'self'");
    // Once the first comment has arrived, the stream is subscribed: nothing emitted now is missed.
    await stream.until(': open\n\n');
    bus.emit('replay.progress', progress(4, 2));
    bus.emit('publish.steps', { jobId: 'job-9', environment: 'staging', status: 'done', steps: [] });
    const text = await stream.until('job-9');
    const messages = text
      .split('\n\n')
      .filter((block) => block && !block.startsWith(':'))
      .map((block) => block.split('\n'));
    expect(messages).toEqual([
      ['event: replay.progress', `data: ${JSON.stringify(progress(4, 2))}`],
      [
        'event: publish.steps',
        `data: ${JSON.stringify({ jobId: 'job-9', environment: 'staging', status: 'done', steps: [] })}`,
      ],
    ]);
  });

  it('refuses the stream without the token, from a foreign Host or Origin, or cross-site', async () => {
    const refused = [
      await openStream({}, '/s/not-the-token/events'),
      await openStream({}, '/events'),
      await openStream({ host: `evil.example:${host.port}` }),
      await openStream({ origin: 'http://127.0.0.1:1' }),
      await openStream({ 'sec-fetch-site': 'same-site' }),
    ];
    expect(refused.map((stream) => stream.response.statusCode)).toEqual([401, 401, 403, 403, 403]);
    for (const stream of refused) await stream.ended;
    const post = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port: host.port,
          path: `/s/${host.token}/events`,
          method: 'POST',
          headers: { host: `127.0.0.1:${host.port}` },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(post).toBe(405);
  });

  it('caps the open streams (429 beyond) and frees a place when a client goes', async () => {
    const first = await openStream();
    const second = await openStream();
    await first.until(': open');
    await second.until(': open');
    const third = await openStream();
    expect(third.response.statusCode).toBe(429);
    await third.ended;
    // The first client goes: its place is free once the host has seen it close.
    const gone = new Promise<void>((resolve) => first.response.once('close', resolve));
    first.response.destroy();
    await gone;
    // The host learns of it asynchronously; ask until the place is back (each refusal is immediate).
    let again = await openStream();
    while (again.response.statusCode === 429) {
      await again.ended;
      again = await openStream();
    }
    expect(again.response.statusCode).toBe(200);
    bus.emit('replay.progress', progress(1, 1));
    await again.until('event: replay.progress');
  });

  it('ends open streams on close() instead of hanging', async () => {
    const stream = await openStream();
    await stream.until(': open');
    await host.close();
    await stream.ended;
    // Emitting after the host closed reaches nobody and breaks nothing.
    expect(() => bus.emit('replay.progress', progress(1, 1))).not.toThrow();
  });
});
