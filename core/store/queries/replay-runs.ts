import type { HookId } from '../../../shared/hooks';
import {
  countOutcome,
  emptyOutcomeCounts,
  type OutcomeCounts,
  type ReplayLine,
  type ReplaySummary,
} from '../../../shared/engine';
import { StoreError } from '../errors';
import { isoTime, parseStoredJson, writeTransaction, type QueryContext } from './context';

// Replay runs and their per-event results. Results arrive while the run goes on (the replay
// reports lines in input order), so they are appended in batches; the run's summary is written
// when it ends. A run left 'running' by a crash stays visible as such rather than being guessed,
// until its owner says otherwise: the studio marks them failed when it opens the workspace
// (failRunning), since none of its replays can outlive the process that ran them.

export type ReplayRunStatus = 'running' | 'done' | 'cancelled' | 'failed';

export interface ReplayRun {
  id: number;
  status: ReplayRunStatus;
  bundleHash: string;
  hook?: HookId;
  label?: string;
  total: number;
  startedAt: string;
  finishedAt?: string;
  summary?: ReplaySummary;
  /** Why a failed run failed. */
  message?: string;
  /** Whose keychain secrets the scripts read (absent on runs from before migration 010: staging's). */
  environment?: string;
}

/** Which results: every one, those whose outcome differs from the recording, or those that failed. */
export type ResultSelection = 'all' | 'mismatches' | 'errors';

/** Counts over a run's stored results (what a summary says, without the rate). */
/** A run's results counted the way its summary counts them (shared/engine/outcome.ts). */
export type ResultCounts = OutcomeCounts;

export interface ReplayResult {
  runId: number;
  /** 0-based position of the event in the run's input. */
  position: number;
  line: ReplayLine;
}

interface RunRow {
  id: number;
  started_at: number;
  finished_at: number | null;
  status: ReplayRunStatus;
  bundle_hash: string;
  hook: HookId | null;
  label: string | null;
  total: number;
  summary: string | null;
  message: string | null;
  environment: string | null;
}

const selections: Record<ResultSelection, string> = {
  all: '',
  mismatches: 'AND mismatch = 1',
  errors: 'AND ok = 0',
};

export function createReplayRunQueries({ db, now }: QueryContext) {
  const selectRun = db.prepare<[number], RunRow>('SELECT * FROM replay_runs WHERE id = ?');
  const insertResult = db.prepare(
    `INSERT INTO replay_results (run_id, position, event_id, hook, ok, allow, mismatch, trace_id, duration_ms, line)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  // Grouped by what decides the bucket, then counted by the same function as a live replay, so a
  // stored run and a running one cannot count an event differently.
  const selectCountGroups = db.prepare<
    [number],
    { hook: HookId; ok: number; allow: number | null; mismatch: number; n: number }
  >(
    `SELECT hook, ok, allow, mismatch, count(*) AS n FROM replay_results WHERE run_id = ?
     GROUP BY hook, ok, allow, mismatch`,
  );
  const countResults = (runId: number): ResultCounts => {
    const counts = emptyOutcomeCounts();
    for (const group of selectCountGroups.all(runId)) {
      const line = { hook: group.hook, ok: group.ok === 1, mismatch: group.mismatch === 1 };
      countOutcome(counts, group.allow === null ? line : { ...line, allow: group.allow === 1 }, group.n);
    }
    return counts;
  };
  // A summary stored before enrichment and async events had buckets of their own counted a failed
  // deny twice; it is counted again from the run's results.
  const toRun = (row: RunRow): ReplayRun => {
    const run = rowToRun(row);
    if (run.summary && run.summary.enriched === undefined)
      run.summary = { ...countResults(row.id), eventsPerSecond: run.summary.eventsPerSecond };
    return run;
  };

  const mustGet = (id: number): ReplayRun => {
    const row = selectRun.get(id);
    if (!row) throw new StoreError('NOT_FOUND', `There is no replay run ${id}.`);
    return toRun(row);
  };

  return {
    start(run: { bundleHash: string; total: number; hook?: HookId; label?: string; environment?: string }): ReplayRun {
      const { lastInsertRowid } = db
        .prepare(
          `INSERT INTO replay_runs (started_at, status, bundle_hash, hook, label, total, environment)
           VALUES (?, 'running', ?, ?, ?, ?, ?)`,
        )
        .run(now(), run.bundleHash, run.hook ?? null, run.label ?? null, run.total, run.environment ?? null);
      return mustGet(Number(lastInsertRowid));
    },

    /** Appends results; `firstPosition` is the input position of lines[0]. */
    addResults(runId: number, firstPosition: number, lines: readonly ReplayLine[]): void {
      writeTransaction(db, () => {
        mustGet(runId);
        lines.forEach((line, i) => {
          insertResult.run(
            runId,
            firstPosition + i,
            line.id,
            line.hook,
            line.ok ? 1 : 0,
            line.allow === undefined ? null : line.allow ? 1 : 0,
            line.mismatch ? 1 : 0,
            line.traceId === '' ? null : line.traceId,
            line.durationMs,
            JSON.stringify(line),
          );
        });
      });
    },

    finish(
      runId: number,
      status: Exclude<ReplayRunStatus, 'running'>,
      summary: ReplaySummary,
      message?: string,
    ): ReplayRun {
      return writeTransaction(db, () => {
        mustGet(runId);
        db.prepare('UPDATE replay_runs SET status = ?, finished_at = ?, summary = ?, message = ? WHERE id = ?').run(
          status,
          now(),
          JSON.stringify(summary),
          message ?? null,
          runId,
        );
        return mustGet(runId);
      });
    },

    /**
     * Marks every run still 'running' as failed with `message`, its summary counted from the results
     * it stored; returns their ids. For a process that knows no replay of its own is running.
     */
    failRunning(message: string): number[] {
      return writeTransaction(db, () => {
        const ids = db
          .prepare<[], { id: number }>("SELECT id FROM replay_runs WHERE status = 'running'")
          .all()
          .map((row) => row.id);
        const update = db.prepare(
          "UPDATE replay_runs SET status = 'failed', finished_at = ?, summary = ?, message = ? WHERE id = ?",
        );
        for (const id of ids) {
          update.run(now(), JSON.stringify({ ...countResults(id), eventsPerSecond: 0 }), message, id);
        }
        return ids;
      });
    },

    get(runId: number): ReplayRun | undefined {
      const row = selectRun.get(runId);
      return row ? toRun(row) : undefined;
    },

    /** Newest first. */
    list(limit = 50): ReplayRun[] {
      return db.prepare<[number], RunRow>('SELECT * FROM replay_runs ORDER BY id DESC LIMIT ?').all(limit).map(toRun);
    },

    /** In input order; a page when `limit` is given. */
    results(
      runId: number,
      options: { onlyMismatches?: boolean; onlyFailures?: boolean; offset?: number; limit?: number } = {},
    ): ReplayResult[] {
      const filters = [options.onlyMismatches ? 'AND mismatch = 1' : '', options.onlyFailures ? 'AND ok = 0' : ''].join(
        ' ',
      );
      return db
        .prepare<[number, number, number], { position: number; line: string }>(
          `SELECT position, line FROM replay_results WHERE run_id = ? ${filters} ORDER BY position LIMIT ? OFFSET ?`,
        )
        .all(runId, options.limit ?? -1, options.offset ?? 0)
        .map((row) => ({
          runId,
          position: row.position,
          line: parseStoredJson<ReplayLine>(row.line, `replay run ${runId}`),
        }));
    },

    /** How many results of the run match `selection`. */
    resultCount(runId: number, selection: ResultSelection = 'all'): number {
      return (
        db
          .prepare<[number], { n: number }>(
            `SELECT count(*) AS n FROM replay_results WHERE run_id = ? ${selections[selection]}`,
          )
          .get(runId)?.n ?? 0
      );
    },

    /** Each bucket and the mismatches over what the run stored so far. */
    counts(runId: number): ResultCounts {
      return countResults(runId);
    },

    /** The results an event had across runs, newest run first. */
    historyOf(eventId: string, limit = 20): ReplayResult[] {
      return db
        .prepare<[string, number], { run_id: number; position: number; line: string }>(
          'SELECT run_id, position, line FROM replay_results WHERE event_id = ? ORDER BY run_id DESC LIMIT ?',
        )
        .all(eventId, limit)
        .map((row) => ({
          runId: row.run_id,
          position: row.position,
          line: parseStoredJson<ReplayLine>(row.line, `replay run ${row.run_id}`),
        }));
    },

    delete(runId: number): boolean {
      return db.prepare('DELETE FROM replay_runs WHERE id = ?').run(runId).changes > 0;
    },
  };
}

export type ReplayRunQueries = ReturnType<typeof createReplayRunQueries>;

function rowToRun(row: RunRow): ReplayRun {
  const run: ReplayRun = {
    id: row.id,
    status: row.status,
    bundleHash: row.bundle_hash,
    total: row.total,
    startedAt: isoTime(row.started_at),
  };
  if (row.hook !== null) run.hook = row.hook;
  if (row.label !== null) run.label = row.label;
  if (row.finished_at !== null) run.finishedAt = isoTime(row.finished_at);
  if (row.summary !== null) run.summary = parseStoredJson<ReplaySummary>(row.summary, `replay run ${row.id}`);
  if (row.message !== null) run.message = row.message;
  if (row.environment !== null) run.environment = row.environment;
  return run;
}
