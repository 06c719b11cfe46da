import type { HookId } from '../../../shared/hooks';
import type { ReplayLine, ReplaySummary } from '../../../shared/engine';
import { StoreError } from '../errors';
import { isoTime, parseStoredJson, writeTransaction, type QueryContext } from './context';

// Replay runs and their per-event results. Results arrive while the run goes on (the replay
// reports lines in input order), so they are appended in batches; the run's summary is written
// when it ends. A run left 'running' by a crash stays visible as such rather than being guessed.

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
}

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
}

export function createReplayRunQueries({ db, now }: QueryContext) {
  const selectRun = db.prepare<[number], RunRow>('SELECT * FROM replay_runs WHERE id = ?');
  const insertResult = db.prepare(
    `INSERT INTO replay_results (run_id, position, event_id, hook, ok, allow, mismatch, trace_id, duration_ms, line)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const mustGet = (id: number): ReplayRun => {
    const row = selectRun.get(id);
    if (!row) throw new StoreError('NOT_FOUND', `There is no replay run ${id}.`);
    return toRun(row);
  };

  return {
    start(run: { bundleHash: string; total: number; hook?: HookId; label?: string }): ReplayRun {
      const { lastInsertRowid } = db
        .prepare(
          `INSERT INTO replay_runs (started_at, status, bundle_hash, hook, label, total)
           VALUES (?, 'running', ?, ?, ?, ?)`,
        )
        .run(now(), run.bundleHash, run.hook ?? null, run.label ?? null, run.total);
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

    finish(runId: number, status: Exclude<ReplayRunStatus, 'running'>, summary: ReplaySummary): ReplayRun {
      return writeTransaction(db, () => {
        mustGet(runId);
        db.prepare('UPDATE replay_runs SET status = ?, finished_at = ?, summary = ? WHERE id = ?').run(
          status,
          now(),
          JSON.stringify(summary),
          runId,
        );
        return mustGet(runId);
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

    results(runId: number, options: { onlyMismatches?: boolean; onlyFailures?: boolean } = {}): ReplayResult[] {
      const filters = [options.onlyMismatches ? 'AND mismatch = 1' : '', options.onlyFailures ? 'AND ok = 0' : ''].join(
        ' ',
      );
      return db
        .prepare<[number], { position: number; line: string }>(
          `SELECT position, line FROM replay_results WHERE run_id = ? ${filters} ORDER BY position`,
        )
        .all(runId)
        .map((row) => ({
          runId,
          position: row.position,
          line: parseStoredJson<ReplayLine>(row.line, `replay run ${runId}`),
        }));
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

function toRun(row: RunRow): ReplayRun {
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
  return run;
}
