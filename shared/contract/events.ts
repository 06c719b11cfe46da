import { z } from 'zod';
import { impactProgressSchema } from './impact-channels';
import { publishProgressSchema } from './publish-channels';
import { replayProgressSchema } from './replay-channels';
import { rolloutStatusEventSchema, tailBatchSchema } from './rollout-channels';

// The events the core pushes to the page: progress of long work and, later, live data. They are
// part of the contract like the channels (a name, a zod payload), so that the core validates what
// it pushes, the transports carry them without knowing them, and the page's listeners are typed.
// Desktop: over the MessagePort the page shares with the core process; web mode: Server-Sent
// Events on the token's path (docs/architecture.md, "Pushed events").

export interface EventSpec {
  payload: z.ZodType;
  description: string;
}

/** How far an import of recorded events has come; pushed a few times a second while it runs. */
export const importProgressSchema = z.object({
  /** Chosen by the caller of `events.import` (its `importId`), so it can tell its imports apart. */
  importId: z.string(),
  fileName: z.string().optional(),
  status: z.enum(['running', 'done', 'failed']),
  /** Lines (or array items) read so far, and of how many. */
  read: z.number().int(),
  total: z.number().int(),
  imported: z.number().int(),
  duplicates: z.number().int(),
  problems: z.number().int(),
});

export const contractEvents = {
  'replay.progress': {
    description: "A replay run's progress: on every batch of results, and once when the run ends.",
    payload: replayProgressSchema,
  },
  'publish.steps': {
    description: "A publish job's steps: whenever a step changes, and once when the job ends.",
    payload: publishProgressSchema,
  },
  'import.progress': {
    description: 'An import of recorded events (a file, or a pull from a runtime) as it goes.',
    payload: importProgressSchema,
  },
  'impact.progress': {
    description: "An impact's counts (per ~200 events compared) and once when it ends.",
    payload: impactProgressSchema,
  },
  'rollout.status': {
    description: "A watched environment's rollout, about once a second (rollouts.watch).",
    payload: rolloutStatusEventSchema,
  },
  'tail.batch': {
    description: "A live tail's newest invocations (tail.start), a few times a second.",
    payload: tailBatchSchema,
  },
} as const satisfies Record<string, EventSpec>;

export type ContractEvents = typeof contractEvents;
export type EventName = keyof ContractEvents;
export type EventPayload<E extends EventName> = z.output<ContractEvents[E]['payload']>;
export const eventNames = Object.keys(contractEvents) as EventName[];

export function isEventName(value: string): value is EventName {
  return Object.prototype.hasOwnProperty.call(contractEvents, value);
}

/** One pushed event as the transports carry it. */
export interface PushedEvent<E extends EventName = EventName> {
  name: E;
  payload: EventPayload<E>;
}

/** A stream of pushed events, as a transport delivers it to the client. */
export interface EventStream {
  /**
   * Starts delivering; returns the function that stops. The stream calls `onOpen` once it is
   * connected and again after every reconnect: events pushed while it was not connected are lost,
   * so a listener reads the state it follows each time (docs/architecture.md, "Pushed events").
   */
  subscribe(listener: (event: PushedEvent) => void, onOpen?: () => void): () => void;
}
