// Server-Sent Events read from a fetch body (the runtime's live tail, docs/publish.md "Live
// tail"). Only what the runtime sends is understood: `event:` and `data:` fields, comments (the
// heartbeat) and `retry:` (ignored: the studio does not reconnect on its own, the page decides).
// A line longer than `maxLineBytes` ends the stream with an error rather than buffering without
// bound: a runtime (or whatever answers in its place) cannot make the core hold an endless line.

export interface ServerSentEvent {
  event: string;
  data: string;
}

export class StreamLineTooLong extends Error {
  constructor(readonly limit: number) {
    super(`a line of the event stream is longer than ${Math.round(limit / 1024)} KB`);
    this.name = 'StreamLineTooLong';
  }
}

export const defaultMaxLineBytes = 64 * 1024;

/**
 * Calls `onEvent` per complete event until the stream ends (resolves) or breaks (rejects). When
 * `signal` aborts, the body is cancelled and nothing more is read: the reader, not fetch's own
 * signal, is what closes the connection (see `stop` in runtime-tail.ts).
 */
export async function readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: ServerSentEvent) => void,
  maxLineBytes = defaultMaxLineBytes,
  signal?: AbortSignal,
): Promise<void> {
  const decoder = new TextDecoder('utf-8');
  const reader = body.getReader();
  const cancel = () => void reader.cancel(signal?.reason).catch(() => {});
  if (signal?.aborted) cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  let pending = '';
  let eventName = '';
  let data: string[] = [];
  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) onEvent({ event: eventName || 'message', data: data.join('\n') });
      eventName = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventName = value;
    else if (field === 'data') data.push(value);
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal?.aborted) return;
      pending += decoder.decode(value, { stream: !done });
      let start = 0;
      for (let at = 0; at < pending.length; at++) {
        const char = pending[at];
        if (char !== '\n' && char !== '\r') continue;
        // A CR at the end of what arrived may be the first half of a CRLF: wait for the next chunk.
        if (char === '\r' && at === pending.length - 1 && !done) break;
        if (at - start > maxLineBytes) throw new StreamLineTooLong(maxLineBytes);
        line(pending.slice(start, at));
        if (char === '\r' && pending[at + 1] === '\n') at++;
        start = at + 1;
      }
      pending = pending.slice(start);
      // Counted in UTF-16 units, never more than the bytes they came from: memory stays bounded.
      if (pending.length > maxLineBytes) throw new StreamLineTooLong(maxLineBytes);
      // An event the stream ended in the middle of is dropped, as EventSource drops it.
      if (done) return;
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    reader.releaseLock();
  }
}
