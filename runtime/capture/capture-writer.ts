import type { Trace } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';
import type { SecretMasker } from '../secrets/secret-masker';
import type { RetentionPolicy, RuntimeStorage } from '../storage/types';
import type { CapturedEventInput, CapturePreparer, PreparedBatch } from './capture-prep';

// Traces and captured events leave the request path at once: an invocation only pushes its item
// here. The writer hands them in small batches to its preparer, which masks, redacts and
// serialises them (in the runtime, on a thread of its own: capture-prep.ts), stores each batch in
// one transaction, and deletes what the retention policy no longer keeps. When storage cannot keep
// up, items beyond `maxPending` are dropped and counted: an answer is never held back for capture.

export interface CaptureItem {
  hook: HookId;
  trace: Trace;
  /** Present when the invocation was sampled for capture. */
  event?: CapturedEventInput;
  masker: SecretMasker;
}

export interface CaptureWriterOptions {
  flushIntervalMs: number;
  batchSize: number;
  maxPending: number;
  retention: RetentionPolicy & { pruneIntervalMs: number };
  /** Masks, redacts and serialises; closed with the writer. */
  preparer: CapturePreparer;
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
    try {
      await this.flush();
    } finally {
      await this.options.preparer.close();
    }
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
      let prepared: PreparedBatch;
      try {
        prepared = await this.options.preparer.prepare(batch);
      } catch (error) {
        this.dropped += batch.length;
        const reason = error instanceof Error ? error.message : String(error);
        this.options.onError(new Error(`could not prepare ${batch.length} traces/events: ${reason}`));
        continue;
      }
      // An item that could not be prepared is lost alone; its contents stay out of the log (they
      // are what redaction exists for).
      for (const failure of prepared.failures) {
        this.dropped += 1;
        this.options.onError(new Error(`could not prepare a trace/event of ${failure} for storage`));
      }
      const { events, traces } = prepared;
      if (traces.length === 0) continue;
      try {
        await this.storage.appendCaptured({ events, traces });
        this.written.events += events.length;
        this.written.traces += traces.length;
      } catch (error) {
        this.dropped += traces.length;
        const reason = error instanceof Error ? error.message : String(error);
        this.options.onError(new Error(`could not store ${traces.length} traces/events: ${reason}`));
      }
    }
  }
}
