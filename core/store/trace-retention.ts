import type { QueryContext } from './queries/context';
import { writeTransaction } from './queries/context';
import { msToNanos } from './queries/traces';

// Trace retention: traces older than `maxAgeDays` go, then the oldest ones until the total is
// under `maxTotalBytes` (the size of the spans' JSON as stored, not the file's size, which SQLite
// only gives back gradually). Deletion runs in small batches, each its own short transaction, so
// a replay writing traces or another process is never held up for more than one batch; a time
// budget bounds one call, and `done: false` tells the caller to come back later (the core runs it
// on a timer). Freed pages are handed back to the file system a slice at a time
// (auto_vacuum=INCREMENTAL, see database.ts).

export interface TraceRetention {
  maxAgeDays: number;
  maxTotalBytes: number;
}

export const defaultTraceRetention: TraceRetention = { maxAgeDays: 30, maxTotalBytes: 256 * 1024 * 1024 };

export interface TraceCleanupOptions extends Partial<TraceRetention> {
  /** Traces deleted per transaction. Default 200. */
  batchSize?: number;
  /** Stop after this long (ms), leaving the rest for the next call. Default 250. */
  timeBudgetMs?: number;
}

export interface TraceCleanup {
  deletedTraces: number;
  batches: number;
  /** false when the time budget ran out before everything due was deleted. */
  done: boolean;
  remainingBytes: number;
}

/** Pages given back to the file system per call: bounded, like the batches, to stay short. */
const vacuumPagesPerCall = 2048;

export function cleanupTraces({ db, now }: QueryContext, options: TraceCleanupOptions = {}): TraceCleanup {
  const maxAgeDays = options.maxAgeDays ?? defaultTraceRetention.maxAgeDays;
  const maxTotalBytes = options.maxTotalBytes ?? defaultTraceRetention.maxTotalBytes;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 200));
  const started = performance.now();
  const deadline = started + (options.timeBudgetMs ?? 250);
  const cutoff = msToNanos(now() - maxAgeDays * 86_400_000);

  const deleteOldest = db.prepare<[number], { size_bytes: number }>(
    'DELETE FROM traces WHERE id IN (SELECT id FROM traces ORDER BY start_unix_nano, id LIMIT ?) RETURNING size_bytes',
  );
  const deleteExpired = db.prepare<[bigint, number], { size_bytes: number }>(
    `DELETE FROM traces WHERE id IN
       (SELECT id FROM traces WHERE start_unix_nano < ? ORDER BY start_unix_nano, id LIMIT ?)
     RETURNING size_bytes`,
  );
  const result: TraceCleanup = { deletedTraces: 0, batches: 0, done: false, remainingBytes: 0 };
  const runBatch = (remove: () => { size_bytes: number }[]): { count: number; bytes: number } => {
    const rows = writeTransaction(db, remove);
    result.batches += 1;
    result.deletedTraces += rows.length;
    return { count: rows.length, bytes: rows.reduce((sum, row) => sum + row.size_bytes, 0) };
  };

  let expiredLeft = true;
  while (expiredLeft && performance.now() < deadline) {
    expiredLeft = runBatch(() => deleteExpired.all(cutoff, batchSize)).count === batchSize;
  }
  let total = db.prepare<[], { n: number }>('SELECT coalesce(sum(size_bytes), 0) AS n FROM traces').get()?.n ?? 0;
  while (!expiredLeft && total > maxTotalBytes && performance.now() < deadline) {
    const { count, bytes } = runBatch(() => deleteOldest.all(batchSize));
    total -= bytes;
    if (count === 0) break;
  }
  if (result.deletedTraces > 0) db.pragma(`incremental_vacuum(${vacuumPagesPerCall})`);
  result.remainingBytes = Math.max(0, total);
  result.done = !expiredLeft && total <= maxTotalBytes;
  return result;
}
