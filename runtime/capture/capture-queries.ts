import type { RecordedEvent, Trace } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';
import type { CaptureQuery, RuntimeStorage } from '../storage/types';
import type { CaptureWriter } from './capture-writer';

// Reading back what the runtime captured (GET /v1/events, /v1/traces and /v1/traces/{id}, and the
// library's events/traces/trace). Each read first writes what the capture still holds, so an
// invocation that was answered is found; limits are clamped here, whatever the caller asked.

const maxQueryLimit = 10_000;
const maxTraceLimit = 1000;

export class CaptureQueries {
  constructor(
    private readonly capture: Pick<CaptureWriter, 'flush'>,
    private readonly storage: Pick<RuntimeStorage, 'events' | 'traces' | 'trace'>,
  ) {}

  async events(query: Partial<CaptureQuery> = {}): Promise<RecordedEvent[]> {
    await this.capture.flush();
    const rows = await this.storage.events(normalizeQuery(query));
    return rows.map((row) => JSON.parse(row.line) as RecordedEvent);
  }

  async traces(query: Partial<Omit<CaptureQuery, 'hook'>> = {}): Promise<Trace[]> {
    await this.capture.flush();
    const rows = await this.storage.traces(
      normalizeQuery({ ...query, limit: Math.min(query.limit ?? 100, maxTraceLimit) }),
    );
    return rows.map((row) => JSON.parse(row.json) as Trace);
  }

  async trace(traceId: string): Promise<Trace | undefined> {
    await this.capture.flush();
    const row = await this.storage.trace(traceId);
    return row ? (JSON.parse(row.json) as Trace) : undefined;
  }
}

function normalizeQuery(query: Partial<CaptureQuery>): CaptureQuery {
  const normalized: CaptureQuery = { limit: Math.max(1, Math.min(query.limit ?? 1000, maxQueryLimit)) };
  if (query.hook !== undefined) normalized.hook = query.hook as HookId;
  if (query.since !== undefined) normalized.since = query.since;
  return normalized;
}
