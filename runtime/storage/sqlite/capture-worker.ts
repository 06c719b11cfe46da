import { parentPort, workerData } from 'node:worker_threads';
import type { RetentionPolicy, StoredEvent, StoredTrace } from '../types';
import { openRuntimeDatabase } from './open-database';

// The capture writer thread (bundled to dist/node/runtime-capture-worker.mjs): its own connection
// to runtime.db writes captured events and traces and deletes old ones. SQLite is synchronous and
// a WAL checkpoint can take a hundred milliseconds or more (measured: 150 ms on this machine), so
// these writes must not run on the event loop that answers invocations.

export interface CaptureWorkerData {
  dataDir: string;
}

export type ToCaptureWorker =
  | { type: 'append'; id: number; events: StoredEvent[]; traces: StoredTrace[] }
  | { type: 'prune'; id: number; policy: RetentionPolicy; now: number };

export type FromCaptureWorker =
  | { type: 'done'; id: number; result?: { events: number; traces: number } }
  | { type: 'failed'; id: number; message: string };

const port = parentPort;
if (!port) throw new Error('the capture worker must run in a worker thread');
const db = openRuntimeDatabase((workerData as CaptureWorkerData).dataDir, 'normal');
const insertEvent = db.prepare(
  'INSERT OR IGNORE INTO captured_events (id, hook, at, line) VALUES (@id, @hook, @at, @line)',
);
const insertTrace = db.prepare(
  'INSERT INTO traces (trace_id, hook, started_at, json) VALUES (@traceId, @hook, @startedAt, @json)',
);
const append = db.transaction((events: StoredEvent[], traces: StoredTrace[]) => {
  for (const event of events) insertEvent.run(event);
  for (const trace of traces) insertTrace.run(trace);
});
const prune = db.transaction((policy: RetentionPolicy, now: number) => {
  let events = db.prepare('DELETE FROM captured_events WHERE at < ?').run(now - policy.eventMaxAgeMs).changes;
  events += db
    .prepare(
      'DELETE FROM captured_events WHERE seq <= (SELECT seq FROM captured_events ORDER BY seq DESC LIMIT 1 OFFSET ?)',
    )
    .run(policy.maxEvents).changes;
  let traces = db.prepare('DELETE FROM traces WHERE started_at < ?').run(now - policy.traceMaxAgeMs).changes;
  traces += db
    .prepare('DELETE FROM traces WHERE seq <= (SELECT seq FROM traces ORDER BY seq DESC LIMIT 1 OFFSET ?)')
    .run(policy.maxTraces).changes;
  return { events, traces };
});

port.on('message', (message: ToCaptureWorker) => {
  try {
    if (message.type === 'append') {
      append(message.events, message.traces);
      port.postMessage({ type: 'done', id: message.id } satisfies FromCaptureWorker);
    } else {
      const result = prune(message.policy, message.now);
      port.postMessage({ type: 'done', id: message.id, result } satisfies FromCaptureWorker);
    }
  } catch (error) {
    port.postMessage({
      type: 'failed',
      id: message.id,
      message: error instanceof Error ? error.message : String(error),
    } satisfies FromCaptureWorker);
  }
});

// Closed by the main thread with worker.terminate(); the connection closes with the thread, and
// SQLite's WAL keeps every committed transaction.
