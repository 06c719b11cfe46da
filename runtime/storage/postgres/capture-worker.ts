import pg from 'pg';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromCaptureWorker, ToCaptureWorker } from '../capture-protocol';
import type { StoredEvent, StoredTrace } from '../types';

// The PostgreSQL capture writer thread (bundled to dist/node/runtime-postgres-capture-worker.mjs):
// its own connection inserts captured events and traces, one transaction per batch. Sent from the
// main thread instead, those batches (a few hundred KB serialized and written to the socket, ten
// times a second at 900 req/s) showed in a CPU profile of the runtime as the difference from
// SQLite's writer thread (socket writes: 1.4 s against 0.7 s in 11 s), and cost invocations
// 1 to 2 ms at p50 (bench/runtime-storage.bench.mjs). Pruning stays on the main thread's pool
// (rare, and it takes an advisory lock there).

export interface PostgresCaptureWorkerData {
  /** node-postgres's connection string (the runtime's own URL parameters removed). */
  connectionString: string;
  applicationName: string;
}

const port = parentPort;
if (!port) throw new Error('the capture worker must run in a worker thread');
const data = workerData as PostgresCaptureWorkerData;

let connection: Promise<pg.Client> | undefined;

/** The connection, opened on first use and again after it broke (server restart, failover). */
function client(): Promise<pg.Client> {
  if (!connection) {
    const next = new pg.Client({
      connectionString: data.connectionString,
      application_name: `${data.applicationName}/capture`,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    const opening = next.connect().then(() => next);
    // A broken connection is dropped; the batch that finds it gone fails (the writer counts it)
    // and the next one reconnects.
    next.on('error', () => {
      if (connection === opening) connection = undefined;
    });
    opening.catch(() => {
      if (connection === opening) connection = undefined;
    });
    connection = opening;
  }
  return connection;
}

// One JSON parameter per table (the records as they are), unpacked by the server in order. Not
// text arrays: node-postgres escapes each element of an array literal in JavaScript, about 8 times
// slower than the native JSON.stringify (measured: ~3 ms against ~0.35 ms for 100 traces of 2.6 KB).
async function append(events: StoredEvent[], traces: StoredTrace[]): Promise<void> {
  const db = await client();
  await db.query('BEGIN');
  try {
    if (events.length > 0) {
      await db.query(
        `INSERT INTO captured_events (id, hook, at, line)
         SELECT e->>'id', e->>'hook', (e->>'at')::bigint, e->>'line'
           FROM json_array_elements($1::json) WITH ORDINALITY AS t (e, ord) ORDER BY ord
         ON CONFLICT (id) DO NOTHING`,
        [JSON.stringify(events)],
      );
    }
    if (traces.length > 0) {
      await db.query(
        `INSERT INTO traces (trace_id, hook, started_at, json)
         SELECT e->>'traceId', e->>'hook', (e->>'startedAt')::bigint, e->>'json'
           FROM json_array_elements($1::json) WITH ORDINALITY AS t (e, ord) ORDER BY ord`,
        [JSON.stringify(traces)],
      );
    }
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

// One request at a time, in order: batches keep their order, and a transaction is never shared.
let queue: Promise<unknown> = Promise.resolve();
port.on('message', (message: ToCaptureWorker) => {
  queue = queue.then(async () => {
    try {
      if (message.type !== 'append') throw new Error('pruning is done by the main thread');
      await append(message.events, message.traces);
      port.postMessage({ type: 'done', id: message.id } satisfies FromCaptureWorker);
    } catch (error) {
      port.postMessage({
        type: 'failed',
        id: message.id,
        message: error instanceof Error ? error.message : String(error),
      } satisfies FromCaptureWorker);
    }
  });
});

// Ended by the main thread with worker.terminate() once every request was answered; the server
// sees the connection close, and every committed batch stays.
