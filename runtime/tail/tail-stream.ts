import type { ServerResponse } from 'node:http';
import type { TailFilter } from './tail-filter';
import { TooManyFollowers, type TailDelivery, type TailHub } from './tail-hub';
import type { FinishedInvocation } from './tail-types';

// One follower of the live tail as Server-Sent Events (docs/live-tail.md, "The stream"): the
// response stays open after the handler returns, until the client goes, the connection stops
// taking what it is sent (cut past `maxBufferedBytes`), or the server closes (runtime-server.ts
// ends every response still open). What the connection has not taken yet is the hub's measure
// of a slow follower (its backlog), so a slow reader is sampled before it is cut; one that holds
// more than the hub's soft limit unsent and took nothing between two heartbeats has stopped
// reading and is cut too (sampling keeps it from ever reaching the hard cap).

export interface TailStreamOptions {
  filter: TailFilter;
  maxRate?: number;
  /** Headers every response of the server carries. */
  headers: Readonly<Record<string, string>>;
  /** A comment line this often keeps an idle stream open through proxies. */
  heartbeatMs: number;
  /** The reconnection delay suggested to EventSource clients. */
  retryMs: number;
  /** Unsent bytes past which the follower is cut (it stopped reading). */
  maxBufferedBytes: number;
}

export const tailStreamDefaults = {
  heartbeatMs: 15_000,
  retryMs: 3_000,
  maxBufferedBytes: 4 * 1024 * 1024,
} as const;

/** The JSON an `invocation` event carries: the item of shared/contract/rollout-channels.ts. */
export function tailItemOf(invocation: FinishedInvocation): Record<string, unknown> {
  return {
    at: new Date(invocation.at).toISOString(),
    hook: invocation.hook,
    mode: invocation.mode,
    outcome: invocation.outcome,
    version: invocation.version,
    durationMs: invocation.durationMs,
    ...(invocation.reason !== undefined ? { reason: invocation.reason } : {}),
    ...(invocation.error
      ? {
          error: {
            code: invocation.error.code,
            ...(invocation.error.script !== undefined ? { script: invocation.error.script } : {}),
          },
        }
      : {}),
    traceId: invocation.traceId,
    ...(invocation.rollout ? { rollout: { id: invocation.rollout.id, role: invocation.rollout.role } } : {}),
  };
}

/** One SSE message; JSON never holds a raw line break, so `data:` is one line. */
export function formatDelivery(delivery: TailDelivery): string {
  if (delivery.kind === 'invocation') {
    return `event: invocation\ndata: ${JSON.stringify(tailItemOf(delivery.invocation))}\n\n`;
  }
  return `event: sampling\ndata: ${JSON.stringify({ rate: delivery.rate, dropped: delivery.dropped })}\n\n`;
}

export interface OpenTailStream {
  /** Ends the stream from this side, its last message stating the totals sampled so far. */
  end(): void;
}

/**
 * Answers with the stream and follows the hub until the response closes. Throws TooManyFollowers,
 * before anything is written, when the hub is full.
 */
export function openTailStream(res: ServerResponse, hub: TailHub, options: TailStreamOptions): OpenTailStream {
  if (hub.followers >= hub.maxFollowers) throw new TooManyFollowers(hub.maxFollowers);
  res.writeHead(200, {
    ...options.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  let ended = false;
  // Replaced once the follower is subscribed; the stream may end before that (a cut while the
  // opening share is written), which is checked right after.
  let stopFollowing = () => {};
  const finish = () => {
    if (ended) return;
    ended = true;
    stopFollowing();
  };
  let written = 0;
  const write = (text: string) => {
    if (ended) return;
    written += Buffer.byteLength(text);
    res.write(text);
    if (res.writableLength > options.maxBufferedBytes) {
      // A client that stopped reading is cut rather than buffered for without end; it may reconnect.
      finish();
      res.destroy();
    }
  };
  // The response's close, not the request's: a GET's request closes as soon as it is read.
  res.on('close', finish);
  res.on('error', finish);
  write(`retry: ${options.retryMs}\n\n`);
  // Nothing runs between the check above and this call, so the hub cannot have filled meanwhile.
  const subscription = hub.subscribe(options.filter, (delivery) => write(formatDelivery(delivery)), {
    ...(options.maxRate !== undefined ? { maxRate: options.maxRate } : {}),
    backlog: () => res.writableLength,
  });
  // What the connection took between two heartbeats: what was written, less what is still unsent.
  let writtenAtLastBeat = written;
  let backlogAtLastBeat = res.writableLength;
  const heartbeat = setInterval(() => {
    const backlog = res.writableLength;
    const taken = written - writtenAtLastBeat - (backlog - backlogAtLastBeat);
    if (backlog > hub.softBacklogBytes && taken <= 0) {
      // Sampled down to nothing, and still nothing taken for a whole interval: it stopped reading.
      finish();
      res.destroy();
      return;
    }
    writtenAtLastBeat = written;
    backlogAtLastBeat = backlog;
    write(': heartbeat\n\n');
    subscription.tick();
  }, options.heartbeatMs);
  heartbeat.unref();
  stopFollowing = () => {
    clearInterval(heartbeat);
    subscription.close();
  };
  if (ended) stopFollowing();
  return {
    end() {
      if (ended) return;
      const { rate, dropped } = subscription.counts();
      write(formatDelivery({ kind: 'sampling', rate, dropped }));
      finish();
      res.end();
    },
  };
}
