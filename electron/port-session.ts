import type { EventStream, PushedEvent, Result, Transport } from '../shared/contract';
import { connectPort, type PortConnection, type PortLike } from './port-protocol';

// The preload's view of the core across its restarts: the main process hands the window a port
// once the page has loaded and a fresh one whenever the core process was restarted. Calls made
// while there is no port wait for the next one; calls in flight on a port that is replaced or
// closes answer UNAVAILABLE (port-protocol.ts). Free of electron imports, tested under Node.

export interface PortSession {
  transport: Transport;
  /** Opens (`onOpen`) on every port handed over: listeners re-read what they follow then. */
  events: EventStream;
  /** Takes a new port, replacing the current one. */
  attach(port: PortLike): void;
}

export function createPortSession(): PortSession {
  let current: PortConnection | null = null;
  const waiting: (() => void)[] = [];
  const subscribers = new Set<{ listener: (event: PushedEvent) => void; onOpen?: () => void }>();

  const send = (channel: Parameters<Transport>[0], input: unknown): Promise<Result<unknown>> => {
    if (current && !current.closed) return current.transport(channel, input);
    return new Promise((resolve) => waiting.push(() => resolve(send(channel, input))));
  };

  return {
    transport: send,
    events: {
      subscribe(listener, onOpen) {
        const entry = { listener, onOpen };
        subscribers.add(entry);
        if (current && !current.closed) onOpen?.();
        return () => subscribers.delete(entry);
      },
    },
    attach(port) {
      current?.close();
      const connection = connectPort(port);
      current = connection;
      connection.events.subscribe((event) => {
        for (const entry of [...subscribers]) entry.listener(event);
      });
      for (const run of waiting.splice(0)) run();
      for (const entry of [...subscribers]) entry.onOpen?.();
    },
  };
}
