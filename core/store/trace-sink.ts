import type { Trace, TraceSink } from '../../shared/engine';
import type { LinkedTrace, TraceLinks, TraceQueries } from './queries/traces';

// Collects finished traces and writes them in batches (one transaction each): a replay produces
// traces one by one, and a commit per trace would spend most of its time in fsync. A batch is
// written when it holds `maxSpans` spans or `maxDelayMs` after its first trace, whichever comes
// first, and on flush()/close(). Traces are diagnostics: traces still buffered when the process
// dies are lost, which is the price of not committing each one; a failed write (a full disk)
// drops its batch rather than growing the buffer without bound, and is reported to `onError`
// (by default as a process warning: losing diagnostics must not bring the core down).

export interface TraceBatcherOptions {
  /** Default 2000. */
  maxSpans?: number;
  /** Default 200 ms. */
  maxDelayMs?: number;
  /** Failures of timer-driven writes (flush() and close() throw instead). */
  onError?: (error: unknown) => void;
  /** Called once by close(), after the last write (the workspace forgets a closed sink). */
  onClose?: () => void;
}

function reportDroppedBatch(error: unknown): void {
  process.emitWarning(`A batch of traces was not saved: ${error instanceof Error ? error.message : String(error)}`);
}

export class TraceBatcher implements TraceSink {
  private buffer: LinkedTrace[] = [];
  private closed = false;
  private bufferedSpans = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly maxSpans: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly traces: Pick<TraceQueries, 'writeMany'>,
    private readonly options: TraceBatcherOptions = {},
  ) {
    this.maxSpans = options.maxSpans ?? 2000;
    this.maxDelayMs = options.maxDelayMs ?? 200;
  }

  /** Spans waiting to be written. */
  get pendingSpans(): number {
    return this.bufferedSpans;
  }

  /** `links`: the library event and replay run the trace belongs to, stored beside it. */
  write(trace: Trace, links?: TraceLinks): void {
    this.buffer.push(links ? { ...trace, ...links } : trace);
    this.bufferedSpans += trace.spans.length;
    if (this.bufferedSpans >= this.maxSpans) {
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        try {
          this.flush();
        } catch (error) {
          const report = this.options.onError ?? reportDroppedBatch;
          report(error);
        }
      }, this.maxDelayMs);
      // A pending batch must not keep a CLI process alive; close() writes what is left.
      this.timer.unref?.();
    }
  }

  /** Writes what is buffered now; returns the number of spans written. */
  flush(): number {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buffer.length === 0) return 0;
    const batch = this.buffer;
    this.buffer = [];
    this.bufferedSpans = 0;
    return this.traces.writeMany(batch);
  }

  close(): void {
    try {
      this.flush();
    } finally {
      if (!this.closed) {
        this.closed = true;
        this.options.onClose?.();
      }
    }
  }
}
