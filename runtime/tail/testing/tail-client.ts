import http, { type IncomingHttpHeaders } from 'node:http';

// Test support: a follower of GET /v1/tail over real HTTP, reading the Server-Sent Events as they
// arrive. Tests wait for what they expect (`waitFor`), never for a time.

export interface StreamMessage {
  /** `invocation`, `sampling`, or `comment` for a `:` line (the heartbeat). */
  event: string;
  data: string;
  retry?: number;
}

export interface TailClient {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body of a refusal (not 200), as JSON. */
  body?: { error?: { code: string; message: string; [key: string]: unknown } };
  readonly messages: StreamMessage[];
  /** Resolves once `done(messages)` holds (checked on every message); rejects if the stream ends first. */
  waitFor(done: (messages: StreamMessage[]) => boolean): Promise<void>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Stops reading without closing (the socket's buffers fill up). */
  pause(): void;
  close(): void;
}

export function invocationsOf(messages: StreamMessage[]): Record<string, unknown>[] {
  return messages
    .filter((message) => message.event === 'invocation')
    .map((message) => JSON.parse(message.data) as Record<string, unknown>);
}

export function samplingOf(messages: StreamMessage[]): { rate: number; dropped: number }[] {
  return messages
    .filter((message) => message.event === 'sampling')
    .map((message) => JSON.parse(message.data) as { rate: number; dropped: number });
}

export function openTail(url: string, query = '', token?: string): Promise<TailClient> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${url}/v1/tail${query}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      agent: false,
    });
    request.once('error', reject);
    request.once('response', (response) => {
      const messages: StreamMessage[] = [];
      const waiters: { done: (messages: StreamMessage[]) => boolean; resolve(): void; reject(e: Error): void }[] = [];
      let streamEnded = false;
      const check = () => {
        for (const waiter of [...waiters]) {
          if (waiter.done(messages)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve();
          } else if (streamEnded) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.reject(new Error(`the stream ended after ${messages.length} messages`));
          }
        }
      };
      const ended = new Promise<void>((resolveEnd) => {
        const end = () => {
          if (streamEnded) return;
          streamEnded = true;
          check();
          resolveEnd();
        };
        response.once('end', end);
        response.once('close', end);
        response.once('error', end);
      });
      const client: TailClient = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        messages,
        ended,
        waitFor: (done) =>
          new Promise((resolveWait, rejectWait) => {
            waiters.push({ done, resolve: resolveWait, reject: rejectWait });
            check();
          }),
        pause: () => response.pause(),
        close: () => request.destroy(),
      };
      response.setEncoding('utf8');
      if (client.status !== 200) {
        let text = '';
        response.on('data', (chunk: string) => (text += chunk));
        response.once('end', () => {
          client.body = JSON.parse(text) as TailClient['body'];
          resolve(client);
        });
        return;
      }
      let pending = '';
      response.on('data', (chunk: string) => {
        pending += chunk;
        let boundary = pending.indexOf('\n\n');
        while (boundary !== -1) {
          const block = pending.slice(0, boundary);
          pending = pending.slice(boundary + 2);
          messages.push(parseBlock(block));
          boundary = pending.indexOf('\n\n');
        }
        check();
      });
      resolve(client);
    });
  });
}

function parseBlock(block: string): StreamMessage {
  const message: StreamMessage = { event: 'message', data: '' };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      message.event = 'comment';
      message.data = line.slice(1).trim();
    } else if (line.startsWith('event: ')) message.event = line.slice('event: '.length);
    else if (line.startsWith('data: ')) message.data = line.slice('data: '.length);
    else if (line.startsWith('retry: ')) {
      message.event = 'retry';
      message.retry = Number(line.slice('retry: '.length));
    }
  }
  return message;
}
