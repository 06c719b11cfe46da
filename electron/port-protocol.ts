import { isEventName, type EventStream, type PushedEvent, type Result, type Transport } from '../shared/contract';
import type { Router } from '../core/router';

// The desktop app's one MessagePort between the window's preload and the core utility process
// (docs/architecture.md, "The desktop shell"): contract calls with request ids, their answers, and
// the events the core pushes. Free of any electron import, so that it runs and is tested under
// plain Node with worker_threads' MessageChannel; the electron files only adapt their ports.

/** A message port as this protocol uses it, whichever runtime's port is behind it. */
export interface PortLike {
  postMessage(message: unknown): void;
  onMessage(listener: (data: unknown) => void): void;
  /** The other end went away (closed, or its process died). */
  onClose(listener: () => void): void;
  close(): void;
}

export type PortMessage =
  | { kind: 'call'; id: number; channel: string; input: unknown }
  | { kind: 'answer'; id: number; result: Result<unknown> }
  | { kind: 'event'; name: string; payload: unknown };

const unavailable: Result<unknown> = {
  ok: false,
  error: { code: 'UNAVAILABLE', message: 'The studio core stopped; try again.' },
};

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
}

const isId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * Adapts a Node-style port (worker_threads' MessagePort, Electron's MessagePortMain): both emit
 * `message` and `close`; Electron's wraps the data in an event (`unwrap`).
 */
export function fromEmitterPort(
  port: {
    on(event: 'message' | 'close', listener: (value: unknown) => void): unknown;
    postMessage(message: unknown): void;
    close(): void;
    start?(): void;
  },
  unwrap: (message: unknown) => unknown = (message) => message,
): PortLike {
  return {
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => {
      port.on('message', (message: unknown) => listener(unwrap(message)));
      port.start?.();
    },
    onClose: (listener) => void port.on('close', listener),
    close: () => port.close(),
  };
}

/**
 * The core's side: answers each call through the router and sends every pushed event, until the
 * port closes. Anything that is not a call is ignored (the router checks channel and input).
 */
export function servePort(port: PortLike, router: Router, events?: EventStream): () => void {
  let closed = false;
  const post = (message: PortMessage) => {
    if (!closed) port.postMessage(message);
  };
  port.onMessage((data) => {
    const message = record(data);
    if (message?.kind !== 'call' || !isId(message.id) || typeof message.channel !== 'string') return;
    const id = message.id;
    void router.dispatch(message.channel, message.input).then((result) => post({ kind: 'answer', id, result }));
  });
  const unsubscribe = events?.subscribe((event) => post({ kind: 'event', name: event.name, payload: event.payload }));
  const stop = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
  };
  port.onClose(stop);
  return () => {
    stop();
    port.close();
  };
}

export interface PortConnection {
  transport: Transport;
  /** Open as long as the port is: `onOpen` is called at once. */
  events: EventStream;
  /** Closes the port; calls in flight answer UNAVAILABLE. */
  close(): void;
  readonly closed: boolean;
}

/**
 * The window's side: calls go out with ids and are answered from the pending map; pushed events go
 * to the subscribers. When the port closes, every call in flight (and any later one) answers
 * UNAVAILABLE. Answers for unknown ids and malformed messages are ignored.
 */
export function connectPort(port: PortLike, onClosed?: () => void): PortConnection {
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const subscribers = new Set<(event: PushedEvent) => void>();
  let nextId = 1;
  let closed = false;

  const fail = () => {
    if (closed) return;
    closed = true;
    for (const resolve of pending.values()) resolve(unavailable);
    pending.clear();
    subscribers.clear();
    onClosed?.();
  };

  port.onMessage((data) => {
    const message = record(data);
    if (message?.kind === 'answer' && isId(message.id)) {
      const result = record(message.result);
      if (typeof result?.ok !== 'boolean') return;
      const resolve = pending.get(message.id);
      pending.delete(message.id);
      resolve?.(result as Result<unknown>);
    } else if (message?.kind === 'event' && typeof message.name === 'string' && isEventName(message.name)) {
      // The core validated the payload against the contract before sending it.
      const event = { name: message.name, payload: message.payload } as PushedEvent;
      for (const listener of [...subscribers]) listener(event);
    }
  });
  port.onClose(fail);

  return {
    transport: (channel, input) => {
      if (closed) return Promise.resolve(unavailable);
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        port.postMessage({ kind: 'call', id, channel, input } satisfies PortMessage);
      });
    },
    events: {
      subscribe(listener, onOpen) {
        subscribers.add(listener);
        if (!closed) onOpen?.();
        return () => subscribers.delete(listener);
      },
    },
    close() {
      fail();
      port.close();
    },
    get closed() {
      return closed;
    },
  };
}
