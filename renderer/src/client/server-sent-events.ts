import type { EventName, EventStream, PushedEvent } from '@shared/contract';

// Web mode's pushed events: one EventSource on `events`, relative to the page, so it keeps the
// launch token's path like the calls do (docs/architecture.md, "Pushed events").

export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

export interface ServerSentEventsOptions {
  url: string;
  /** The contract's event names: an SSE message is delivered only to listeners of its own name. */
  names: readonly EventName[];
  /** Checks a payload against the contract; null drops it. */
  parse: (name: EventName, payload: unknown) => PushedEvent | null;
  createSource?: (url: string) => EventSourceLike;
  /** How long to wait before opening a new EventSource once one has given up. */
  retryMs?: number;
  setTimer?: (callback: () => void, ms: number) => () => void;
}

const closedState = 2;

/**
 * An EventStream over Server-Sent Events. A dropped connection is reopened by the EventSource
 * itself (its `open` fires again, and with it `onOpen`, so listeners re-read their state). An
 * EventSource gives up for good on an HTTP error (too many streams, a restarted host): a new one
 * is opened after `retryMs`.
 */
export function serverSentEvents(options: ServerSentEventsOptions): EventStream {
  const createSource = options.createSource ?? ((url) => new EventSource(url));
  const setTimer =
    options.setTimer ??
    ((callback, ms) => {
      const handle = setTimeout(callback, ms);
      return () => clearTimeout(handle);
    });
  return {
    subscribe(listener, onOpen) {
      let source: EventSourceLike | null = null;
      let cancelRetry: (() => void) | null = null;
      let stopped = false;
      const connect = () => {
        cancelRetry = null;
        const current = createSource(options.url);
        source = current;
        current.onopen = () => onOpen?.();
        current.onerror = () => {
          if (stopped || current.readyState !== closedState) return;
          current.close();
          cancelRetry = setTimer(connect, options.retryMs ?? 5000);
        };
        for (const name of options.names) {
          current.addEventListener(name, (message) => {
            let payload: unknown;
            try {
              payload = JSON.parse(message.data);
            } catch {
              return;
            }
            const event = options.parse(name, payload);
            if (event) listener(event);
          });
        }
      };
      connect();
      return () => {
        stopped = true;
        cancelRetry?.();
        source?.close();
      };
    },
  };
}
