import type { JsonValue, Trace } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';
import type { SecretMasker } from '../secrets/secret-masker';
import type { StoredEvent, StoredTrace } from '../storage/types';
import type { Redactor } from './redaction';

// What a captured item becomes before it is stored: the trace masked and serialised, the event
// masked, redacted and written as its NDJSON line (docs/runtime.md). This is the costly part of
// capture (redaction is linear, but a 1 MB event of addresses still takes a hundred milliseconds or
// more), so the runtime runs it on a thread of its own (capture-prep-thread.ts); the same code runs
// in-process where no thread is wanted (tests, createInlinePreparer).

/** script.result is cut at this many characters by the engine (otlp.ts); see SecretMasker.trace. */
const resultAttributeChars = 4096;
/** Items prepared between two yields to the event loop, when preparing in-process. */
const inlineSlice = 16;

export interface CapturedEventInput {
  id: string;
  at: number;
  payload: JsonValue;
  outcome: JsonValue;
  /** The bundle version that decided (docs/formats.md, "Recorded events"); absent or null: none active. */
  version?: number | null;
}

export interface PreparedBatch {
  events: StoredEvent[];
  traces: StoredTrace[];
  /** One line per item that could not be prepared (its hook and the error's name, never its contents). */
  failures: string[];
}

export interface CapturePreparer {
  prepare(
    items: readonly { hook: HookId; trace: Trace; event?: CapturedEventInput; masker: SecretMasker }[],
  ): Promise<PreparedBatch>;
  close(): Promise<void>;
}

/** Prepares one item into `batch`; an item that throws is counted in `failures` alone. */
export function prepareItem(
  batch: PreparedBatch,
  item: { hook: HookId; trace: Trace; event?: CapturedEventInput },
  masker: SecretMasker,
  redactor: Redactor,
  source: string,
): void {
  try {
    const trace = masker.trace(item.trace, resultAttributeChars);
    const root = trace.spans[0];
    const storedTrace: StoredTrace = {
      traceId: trace.traceId,
      hook: item.hook,
      startedAt: root ? Math.floor(Number(BigInt(root.startTimeUnixNano) / 1_000_000n)) : Date.now(),
      json: JSON.stringify(trace),
    };
    let storedEvent: StoredEvent | undefined;
    if (item.event) {
      const { id, at, payload, outcome, version } = item.event;
      const line = JSON.stringify({
        id,
        hook: item.hook,
        at: new Date(at).toISOString(),
        event: redactor.event(masker.json(payload)),
        outcome: redactor.outcome(masker.json(outcome)),
        ...(version != null ? { version } : {}),
        source,
      });
      storedEvent = { id, hook: item.hook, at, line };
    }
    batch.traces.push(storedTrace);
    if (storedEvent) batch.events.push(storedEvent);
  } catch (error) {
    batch.failures.push(`${item.hook} (${error instanceof Error ? error.name : typeof error})`);
  }
}

/** Prepares on the calling thread, yielding to the event loop every few items. */
export function createInlinePreparer(redactor: Redactor, source: string): CapturePreparer {
  return {
    async prepare(items) {
      const batch: PreparedBatch = { events: [], traces: [], failures: [] };
      for (let i = 0; i < items.length; i++) {
        if (i > 0 && i % inlineSlice === 0) await new Promise((resolve) => setImmediate(resolve));
        const item = items[i] as (typeof items)[number];
        prepareItem(batch, item, item.masker, redactor, source);
      }
      return batch;
    },
    close: async () => {},
  };
}
