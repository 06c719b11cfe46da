import { ContractError } from '../../shared/contract';
import type { ReplayLine, ReplaySummary } from '../../shared/engine';
import type { Handlers } from '../router';
import type { ReplayRun, Workspace } from '../store';
import type { ReplayJobs } from './replay-jobs';
import { compareRuns } from './run-compare';
import { runCsvFile, runJsonFile } from './run-export';
import { runView } from './views';

// Saved replay runs (runs.*): the list, a run's results page by page, two runs compared, a run
// exported as a file. A run still replaying cannot be deleted (BUSY); its results so far can be
// read, compared and exported.

function mustGetRun(workspace: Workspace, runId: number): ReplayRun {
  const run = workspace.replays.get(runId);
  if (!run) throw new ContractError('NOT_FOUND', `There is no replay run ${runId}.`);
  return run;
}

function linesOf(workspace: Workspace, runId: number): ReplayLine[] {
  return workspace.replays.results(runId).map((result) => result.line);
}

/** The run's summary, or one counted from its results while it has none (still running). */
function summaryOf(workspace: Workspace, run: ReplayRun): ReplaySummary {
  return run.summary ?? { ...workspace.replays.counts(run.id), eventsPerSecond: 0 };
}

type RunHandlers = Pick<Handlers, 'runs.list' | 'runs.results' | 'runs.delete' | 'runs.compare' | 'runs.export'>;

export interface RunHandlersDeps {
  workspace(): Workspace;
  /** Only to refuse deleting the run that is replaying. */
  replayJobs: Pick<ReplayJobs, 'isRunning'>;
}

export function runHandlers(services: RunHandlersDeps): RunHandlers {
  return {
    'runs.list': ({ limit }) => services.workspace().replays.list(limit).map(runView),

    'runs.results': ({ runId, only, offset, limit }) => {
      const workspace = services.workspace();
      const run = mustGetRun(workspace, runId);
      const results = workspace.replays.results(runId, {
        onlyMismatches: only === 'mismatches',
        onlyFailures: only === 'errors',
        offset,
        limit,
      });
      return {
        run: runView(run),
        total: workspace.replays.resultCount(runId, only),
        results: results.map(({ position, line }) => ({ position, line })),
      };
    },

    'runs.delete': ({ runId }) => {
      if (services.replayJobs.isRunning(runId)) {
        throw new ContractError('BUSY', `Replay run ${runId} is still running; cancel it first.`);
      }
      return { deleted: services.workspace().replays.delete(runId) };
    },

    'runs.compare': ({ before, after, only, offset, limit }) => {
      const workspace = services.workspace();
      const beforeRun = mustGetRun(workspace, before);
      const afterRun = mustGetRun(workspace, after);
      const comparison = compareRuns(linesOf(workspace, before), linesOf(workspace, after));
      const rows = only === 'changed' ? comparison.rows.filter((row) => row.change !== 'same') : comparison.rows;
      return {
        before: runView(beforeRun),
        after: runView(afterRun),
        counts: comparison.counts,
        latency: comparison.latency,
        total: rows.length,
        rows: rows.slice(offset, offset + limit),
      };
    },

    'runs.export': ({ runId, format }) => {
      const workspace = services.workspace();
      const run = mustGetRun(workspace, runId);
      const results = workspace.replays.results(runId);
      if (format === 'csv') return runCsvFile(run, results);
      return runJsonFile(
        runView(run),
        summaryOf(workspace, run),
        results.map((result) => result.line),
      );
    },
  };
}
