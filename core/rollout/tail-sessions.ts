import { randomUUID } from 'node:crypto';
import { ContractError, type EventPayload } from '../../shared/contract';
import type { CoreEvents } from '../events/event-bus';
import type { ConnectRuntime } from '../publish/runtime-connection';
import type { TailFilter, TailItem, TailStream } from '../publish/runtime-tail';

// The live tails the page follows (tail.start / tail.stop, docs/publish.md "Live tail"): each is a
// stream the core holds open to a runtime's GET /v1/tail, and what arrives is pushed as
// `tail.batch` events. Decided here:
// - at most 4 tails open at once (one more is BUSY): each holds a connection and a timer;
// - items are pushed in batches every 200 ms, at most 500 per batch, so that a busy runtime cannot
//   flood the page with one event per invocation; what arrives beyond 500 between two batches is
//   left out and counted in `dropped` with what the runtime's own sampling left out (the page shows
//   one number: invocations it was not shown);
// - a broken stream pushes `failed` with the message, tail.stop pushes `ended`; either way the
//   tail is gone and its slot free. The studio does not reconnect on its own: the page decides;
// - close() (the composition root's shutdown) stops every tail.

export interface TailSessionsDeps {
  connect: ConnectRuntime;
  events: CoreEvents;
  /** Between batches; default 200 ms. */
  batchMs?: number;
}

export const maxOpenTails = 4;
export const maxBatchItems = 500;

type Batch = EventPayload<'tail.batch'>;

interface Session {
  tailId: string;
  stream: TailStream;
  timer: NodeJS.Timeout | undefined;
  items: TailItem[];
  /** Left out by the runtime's sampling (its latest count) and by the batch cap (ours). */
  runtimeDropped: number;
  capped: number;
  sampleRate: number;
  /** Something to push since the last batch (items, or a new sampling rate). */
  changed: boolean;
}

export class TailSessions {
  private readonly sessions = new Map<string, Session>();
  /** Slots taken by tails still connecting, so that five concurrent starts cannot open five. */
  private connecting = 0;
  private closed = false;

  constructor(private readonly deps: TailSessionsDeps) {}

  async start(environment: string, filter: TailFilter): Promise<{ tailId: string }> {
    if (this.closed) throw new ContractError('UNAVAILABLE', 'The studio core is shutting down.');
    if (this.sessions.size + this.connecting >= maxOpenTails) {
      throw new ContractError('BUSY', `${maxOpenTails} live tails are open already: stop one first.`);
    }
    this.connecting++;
    // Made before the stream opens, so that nothing arriving with its first bytes is lost.
    const session: Session = {
      tailId: `tail_${randomUUID()}`,
      stream: { stop() {}, ended: Promise.resolve(null) },
      timer: undefined,
      items: [],
      runtimeDropped: 0,
      capped: 0,
      sampleRate: 1,
      changed: true,
    };
    try {
      const { client } = this.deps.connect(environment);
      session.stream = await client.openTail(
        filter,
        (item) => this.receive(session, item),
        (sampling) => {
          session.sampleRate = sampling.rate;
          session.runtimeDropped = sampling.dropped;
          session.changed = true;
        },
      );
    } finally {
      this.connecting--;
    }
    if (this.closed) {
      session.stream.stop();
      throw new ContractError('UNAVAILABLE', 'The studio core is shutting down.');
    }
    session.timer = setInterval(() => this.flush(session, 'live'), this.deps.batchMs ?? 200);
    this.sessions.set(session.tailId, session);
    void session.stream.ended.then((error) => {
      if (error && this.sessions.has(session.tailId)) {
        this.end(session, 'failed', `The live tail of ${environment} broke: ${error.message}.`);
      }
    });
    const { tailId } = session;
    return { tailId };
  }

  stop(tailId: string): { stopped: boolean } {
    const session = this.sessions.get(tailId);
    if (!session) return { stopped: false };
    this.end(session, 'ended');
    return { stopped: true };
  }

  get open(): number {
    return this.sessions.size;
  }

  close(): void {
    this.closed = true;
    for (const session of [...this.sessions.values()]) this.end(session, 'ended');
  }

  private receive(session: Session, item: TailItem): void {
    if (session.items.length >= maxBatchItems) session.capped++;
    else session.items.push(item);
    session.changed = true;
  }

  private end(session: Session, status: 'ended' | 'failed', message?: string): void {
    this.sessions.delete(session.tailId);
    clearInterval(session.timer);
    session.stream.stop();
    this.flush(session, status, message);
  }

  private flush(session: Session, status: Batch['status'], message?: string): void {
    if (status === 'live' && !session.changed) return;
    const batch: Batch = {
      tailId: session.tailId,
      items: session.items,
      sampleRate: session.sampleRate,
      dropped: session.runtimeDropped + session.capped,
      status,
      ...(message !== undefined ? { message } : {}),
    };
    session.items = [];
    session.changed = false;
    this.deps.events.emit('tail.batch', batch);
  }
}
