import type { z } from 'zod';
import { tailItemSchema, type tailFilterSchema } from '../../shared/contract/rollout-channels';
import { defaultMaxLineBytes, readServerSentEvents, type ServerSentEvent } from './sse-reader';

// The runtime's live tail (GET /v1/tail, docs/publish.md "Live tail") as the studio reads it: the
// filter becomes the query (hooks and outcomes repeated), `invocation` events are checked against
// the contract's item before anyone sees them (a runtime is trusted no more than a user: an item
// that is not one breaks the stream with a message), `sampling` events report the share sent.

export type TailFilter = z.infer<typeof tailFilterSchema>;
export type TailItem = z.infer<typeof tailItemSchema>;
export interface TailSampling {
  rate: number;
  dropped: number;
}

export interface TailStream {
  /** Closes the stream; `ended` then resolves with null. Twice is harmless. */
  stop(): void;
  /** Null once stopped; the error when the stream broke or the runtime ended it. */
  ended: Promise<Error | null>;
}

export function tailQuery(filter: TailFilter): string {
  const params = new URLSearchParams();
  for (const hook of filter.hooks ?? []) params.append('hook', hook);
  for (const outcome of filter.outcomes ?? []) params.append('outcome', outcome);
  if (filter.version !== undefined) params.set('version', String(filter.version));
  if (filter.text !== undefined && filter.text !== '') params.set('text', filter.text);
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/** Follows an opened body until stopped; never rejects. */
export function followTail(
  body: ReadableStream<Uint8Array>,
  controller: AbortController,
  onItem: (item: TailItem) => void,
  onSampling: (sampling: TailSampling) => void,
): TailStream {
  const handle = (event: ServerSentEvent) => {
    // What was already read when the tail was stopped belongs to nobody.
    if (controller.signal.aborted) return;
    if (event.event !== 'invocation' && event.event !== 'sampling') return;
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      throw new Error(`the runtime sent an ${event.event} event that is not JSON`);
    }
    if (event.event === 'sampling') {
      const { rate, dropped } = (data ?? {}) as Record<string, unknown>;
      if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1) || !Number.isSafeInteger(dropped)) {
        throw new Error('the runtime sent a sampling event without a rate (0–1) and a count of dropped invocations');
      }
      onSampling({ rate, dropped: dropped as number });
      return;
    }
    const item = tailItemSchema.safeParse(data);
    if (!item.success) {
      throw new Error(`the runtime sent an invocation the studio cannot read (${item.error.issues[0]?.message ?? ''})`);
    }
    onItem(item.data);
  };
  // Stopping cancels the body itself: fetch's own signal stops reaching its request once Node has
  // collected that request object (it is held weakly), and a stopped tail whose connection stayed
  // open would keep a follower place on the runtime and keep being read here.
  const ended = readServerSentEvents(body, handle, defaultMaxLineBytes, controller.signal).then(
    () => (controller.signal.aborted ? null : new Error('the runtime ended the stream')),
    (error: unknown) => (controller.signal.aborted ? null : error instanceof Error ? error : new Error(String(error))),
  );
  return {
    stop: () => {
      if (!controller.signal.aborted) controller.abort();
    },
    ended: ended.then((result) => {
      // Whatever ended it, the connection is released.
      if (!controller.signal.aborted) controller.abort();
      return result;
    }),
  };
}
