import type { JsonValue, Trace } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';
import type { RetentionPolicy, RuntimeStorage, StoredEvent, StoredTrace } from '../storage/types';
import type { SecretMasker } from '../secrets/secret-masker';
import type { Redactor } from './redaction';

// Traces and captured events leave the request path at once: an invocation only pushes its item
// here. The writer masks, redacts, serialises and stores them in small batches (one transaction
// each, yielding between batches so that a burst does not stall the event loop for answers), and
// deletes what the retention policy no longer keeps. When storage cannot keep up, items beyond
// `maxPending` are dropped and counted: an answer is never held back for capture.

/** script.result is cut at this many characters by the engine (otlp.ts); see SecretMasker.trace. */
const resultAttributeChars = 4096;
/** Items serialised between two yields to the event loop. */
const serialiseSlice = 16;

export interface CaptureItem {
  hook: HookId;
  trace: Trace;
  /** Present when the invocation was sampled for capture. */
  event?: { id: string; at: number; payload: JsonValue; outcome: JsonValue };
  masker: SecretMasker;
}

export interface CaptureWriterOptions {
  flushIntervalMs: number;
  batchSize: number;
  maxPending: number;
  source: string;
  retention: RetentionPolicy & { pruneIntervalMs: number };
  redactor: Redactor;
  /** Storage failures are reported here (never with item contents). */
  onError(error: unknown): void;
  now?: () => number;
}

export class CaptureWriter {
  private pending: CaptureItem[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly pruneTimer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;
  private dropped = 0;
  private written = { events: 0, traces: 0 };

  constructor(
    private readonly storage: RuntimeStorage,
    private readonly options: CaptureWriterOptions,
  ) {
    this.pruneTimer = setInterval(() => void this.prune(), options.retention.pruneIntervalMs).unref();
  }

  push(item: CaptureItem): void {
    if (this.pending.length >= this.options.maxPending) {
      // Said once per thousand, so that a long overload does not flood the log either.
      if (this.dropped++ % 1000 === 0) {
        this.options.onError(new Error(`capture is behind: ${this.dropped} traces/events dropped so far`));
      }
      return;
    }
    this.pending.push(item);
    if (this.pending.length >= this.options.batchSize) this.schedule(0);
    else this.schedule(this.options.flushIntervalMs);
  }

  stats() {
    return { pending: this.pending.length, dropped: this.dropped, written: { ...this.written } };
  }

  /** Writes everything pushed so far. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing || this.pending.length > 0) {
      if (this.flushing) await this.flushing;
      else {
        this.flushing = this.writeAll().finally(() => {
          this.flushing = undefined;
        });
      }
    }
  }

  async prune(): Promise<void> {
    try {
      await this.storage.prune(this.options.retention, (this.options.now ?? Date.now)());
    } catch (error) {
      this.options.onError(error);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.flush();
  }

  private schedule(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Nothing a background write throws may end the process: it is reported and the writer goes on.
      if (!this.flushing) this.flush().catch((error: unknown) => this.options.onError(error));
    }, delayMs).unref();
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.batchSize);
      const events: StoredEvent[] = [];
      const traces: StoredTrace[] = [];
      for (let i = 0; i < batch.length; i++) {
        // Serialising costs tens of microseconds an item: yield now and then, so that answers
        // waiting on this thread are not held for a whole batch.
        if (i > 0 && i % serialiseSlice === 0) await new Promise((resolve) => setImmediate(resolve));
        const item = batch[i] as CaptureItem;
        try {
          const trace = this.toStoredTrace(item);
          const event = item.event ? this.toStoredEvent(item, item.event) : undefined;
          traces.push(trace);
          if (event) events.push(event);
        } catch (error) {
          // One item that cannot be prepared is lost alone, never the batch or the items behind it;
          // its contents stay out of the log (they are what redaction exists for).
          this.dropped += 1;
          const reason = error instanceof Error ? error.name : typeof error;
          this.options.onError(new Error(`could not prepare a ${item.hook} trace/event for storage (${reason})`));
        }
      }
      try {
        await this.storage.appendCaptured({ events, traces });
        this.written.events += events.length;
        this.written.traces += traces.length;
      } catch (error) {
        this.dropped += batch.length;
        const reason = error instanceof Error ? error.message : String(error);
        this.options.onError(new Error(`could not store ${batch.length} traces/events: ${reason}`));
      }
    }
  }

  private toStoredTrace(item: CaptureItem): StoredTrace {
    const trace = item.masker.trace(item.trace, resultAttributeChars);
    const root = trace.spans[0];
    return {
      traceId: trace.traceId,
      hook: item.hook,
      startedAt: root ? Math.floor(Number(BigInt(root.startTimeUnixNano) / 1_000_000n)) : Date.now(),
      json: JSON.stringify(trace),
    };
  }

  private toStoredEvent(item: CaptureItem, event: NonNullable<CaptureItem['event']>): StoredEvent {
    const { redactor } = this.options;
    const payload = redactor.event(item.masker.json(event.payload));
    const outcome = redactor.outcome(item.masker.json(event.outcome));
    const line = JSON.stringify({
      id: event.id,
      hook: item.hook,
      at: new Date(event.at).toISOString(),
      event: payload,
      outcome,
      source: this.options.source,
    });
    return { id: event.id, hook: item.hook, at: event.at, line };
  }
}
