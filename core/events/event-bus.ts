import {
  contractEvents,
  type EventName,
  type EventPayload,
  type EventStream,
  type PushedEvent,
} from '../../shared/contract';

// The core's pushed events (shared/contract/events.ts). Services emit; the hosts (the web host's
// Server-Sent Events, the desktop core process's MessagePort) subscribe and carry them to the page.
// A payload is validated against the contract before anyone sees it, like a channel's answer, and
// a listener that throws is reported, never allowed to break the emitter: a replay must not stop
// because a page went away mid-send.

/** What a service needs to push an event: nothing else of the bus. */
export interface CoreEvents {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

export interface EventBusOptions {
  /** Where an invalid payload or a failing listener is reported (the hosts log it). */
  onError?: (name: string, error: unknown) => void;
}

export class EventBus implements CoreEvents, EventStream {
  private readonly listeners = new Set<(event: PushedEvent) => void>();

  constructor(private readonly options: EventBusOptions = {}) {}

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    if (this.listeners.size === 0) return;
    const parsed = contractEvents[name].payload.safeParse(payload);
    if (!parsed.success) {
      this.options.onError?.(name, new Error(`invalid payload: ${parsed.error.message}`));
      return;
    }
    const event = { name, payload: parsed.data } as PushedEvent;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.options.onError?.(name, error);
      }
    }
  }

  /** In-process, the bus is connected from the start: `onOpen` runs once, after this call returns. */
  subscribe(listener: (event: PushedEvent) => void, onOpen?: () => void): () => void {
    this.listeners.add(listener);
    let open = true;
    if (onOpen) queueMicrotask(() => open && onOpen());
    return () => {
      open = false;
      this.listeners.delete(listener);
    };
  }
}

/** For services used where nobody listens (the CLI, tests that do not look at events). */
export const noEvents: CoreEvents = { emit: () => {} };
