import type { ServerResponse } from 'node:http';
import type { EventStream, PushedEvent } from '../../shared/contract';

// Web mode's pushed events (docs/architecture.md, "Pushed events"): each page holds one
// Server-Sent Events response open on `/s/<token>/events` and the core's events are written to it
// as they happen. The request went through the same guard as every other (server.ts) before it
// gets here.

export interface EventStreamsOptions {
  /** The core's events; without it the streams only carry heartbeats. */
  events?: EventStream;
  /** Headers every response carries (CSP, nosniff…). */
  headers: Readonly<Record<string, string>>;
  /** Open streams at most; one more is answered 429 (a page holds one; a runaway client must not hold the host). */
  maxStreams: number;
  /** How often a comment line is sent so that the browser and proxies keep an idle stream open. */
  heartbeatMs: number;
  /** Buffered bytes a client that stopped reading may hold before its stream is cut (it reconnects and re-reads). */
  maxBufferedBytes: number;
}

export interface EventStreams {
  /** Answers a GET of the events path: holds the response open until the client goes or the host closes. */
  open(response: ServerResponse): void;
  /** Ends every open stream (the host is closing). */
  closeAll(): void;
  readonly size: number;
}

/** One SSE message; JSON never contains a raw line break, so `data:` is one line. */
export function formatEvent(event: PushedEvent): string {
  return `event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`;
}

export function createEventStreams(options: EventStreamsOptions): EventStreams {
  // Each open stream's way to end it.
  const open = new Set<() => void>();

  return {
    get size() {
      return open.size;
    },
    open(response) {
      if (open.size >= options.maxStreams) {
        response.writeHead(429, {
          ...options.headers,
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'no-store',
          'Retry-After': '5',
        });
        response.end('too many open event streams');
        return;
      }
      response.writeHead(200, {
        ...options.headers,
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Accel-Buffering': 'no',
      });
      let ended = false;
      const write = (text: string) => {
        if (ended) return;
        response.write(text);
        if (response.writableLength > options.maxBufferedBytes) response.destroy();
      };
      // The first bytes tell the client the stream is live (its `open`): the subscription below is
      // already in place, so nothing pushed after that moment is missed.
      const unsubscribe = options.events?.subscribe((event) => write(formatEvent(event)));
      const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs);
      heartbeat.unref();
      const finish = () => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        unsubscribe?.();
        open.delete(end);
      };
      const end = () => {
        finish();
        response.end();
      };
      open.add(end);
      // The response's close, not the request's: a GET's request closes as soon as it is read.
      response.on('close', finish);
      response.on('error', finish);
      write(': open\n\n');
    },
    closeAll() {
      for (const end of [...open]) end();
    },
  };
}
