import { describe, expect, it } from 'vitest';
import type { EventName, PushedEvent } from '@shared/contract';
import { serverSentEvents, type EventSourceLike } from './server-sent-events';

/** Stands in for the browser's EventSource (absent under Node); the test plays the server. */
class FakeSource implements EventSourceLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  readonly listeners = new Map<string, (event: MessageEvent<string>) => void>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, listener);
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({} as Event);
  }
  send(name: string, data: string): void {
    this.listeners.get(name)?.({ data } as MessageEvent<string>);
  }
  fail(readyState: number): void {
    this.readyState = readyState;
    this.onerror?.({} as Event);
  }
}

function setup() {
  const sources: FakeSource[] = [];
  const timers: (() => void)[] = [];
  const stream = serverSentEvents({
    url: 'http://127.0.0.1:1/s/token/events',
    names: ['replay.progress', 'publish.steps'] as EventName[],
    // Stands in for the contract's schema: a payload needs a numeric runId.
    parse: (name, payload) =>
      typeof (payload as { runId?: unknown }).runId === 'number' ? ({ name, payload } as PushedEvent) : null,
    createSource: (url) => {
      const source = new FakeSource(url);
      sources.push(source);
      return source;
    },
    setTimer: (callback) => {
      timers.push(callback);
      return () => timers.splice(timers.indexOf(callback), 1);
    },
  });
  return { stream, sources, timers };
}

describe('serverSentEvents', () => {
  it('delivers each named, well-formed message and drops the others', () => {
    const { stream, sources } = setup();
    const seen: PushedEvent[] = [];
    stream.subscribe((event) => seen.push(event));
    expect(sources.map((source) => source.url)).toEqual(['http://127.0.0.1:1/s/token/events']);
    const source = sources[0]!;
    source.send('replay.progress', '{"runId":3}');
    source.send('replay.progress', 'not json');
    source.send('replay.progress', '{"runId":"x"}');
    source.send('import.progress', '{"runId":4}'); // a name it does not listen to
    expect(seen).toEqual([{ name: 'replay.progress', payload: { runId: 3 } }]);
  });

  it('calls onOpen on every open, the EventSource reconnecting by itself', () => {
    const { stream, sources, timers } = setup();
    let opens = 0;
    stream.subscribe(
      () => {},
      () => (opens += 1),
    );
    sources[0]!.open();
    sources[0]!.fail(0); // CONNECTING: the browser retries on its own
    sources[0]!.open();
    expect(opens).toBe(2);
    expect(sources).toHaveLength(1);
    expect(timers).toHaveLength(0);
  });

  it('opens a new EventSource later once one has given up, and stops for good on unsubscribe', () => {
    const { stream, sources, timers } = setup();
    const stop = stream.subscribe(() => {});
    sources[0]!.fail(2); // CLOSED: an HTTP error (429, a restarted host)
    expect(timers).toHaveLength(1);
    timers[0]!();
    expect(sources).toHaveLength(2);
    sources[1]!.fail(2);
    expect(timers).toHaveLength(2);
    stop();
    expect(sources[1]!.closed).toBe(true);
    expect(timers).toHaveLength(1); // the pending retry was cancelled
  });
});
