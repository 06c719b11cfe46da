import type { ReplayLine, ReplaySummary, Trace } from '../../shared/engine';
import type { Workspace } from '../store';
import type { ReplayStatus } from './replay-progress';

// Where a replay job puts what it produces. The studio and `replay --workspace` store a run's
// results and traces in the workspace; `replay <bundle-dir> --events file` stores nothing, through
// the same job, so that there is one run loop (replay-job.ts).

export type EndedStatus = Exclude<ReplayStatus, 'running'>;

export interface ReplaySink {
  /** Stores results at positions `firstPosition`, `firstPosition + 1`, … (input order). */
  addResults(firstPosition: number, lines: readonly ReplayLine[]): void;
  /** A finished event's trace (may be buffered). */
  writeTrace(trace: Trace, eventId: string): void;
  /** Writes what is buffered; called before the run's end is written. */
  flush(): void;
  /** The run's end, with its summary and, for a failed run, why. */
  finish(status: EndedStatus, summary: ReplaySummary, message?: string): void;
  /** Lets go of what the sink holds; called last, never throws. */
  close(): void;
}

/** A run's results and traces in the workspace, traces tagged with their event and the run. */
export function workspaceSink(workspace: Workspace, runId: number): ReplaySink {
  const traces = workspace.traceSink();
  return {
    addResults: (firstPosition, lines) => workspace.replays.addResults(runId, firstPosition, lines),
    writeTrace: (trace, eventId) => traces.write(trace, { eventId, runId }),
    flush: () => void traces.flush(),
    finish: (status, summary, message) => void workspace.replays.finish(runId, status, summary, message),
    close: () => {
      try {
        traces.close();
      } catch {
        // Only after a failure (a flush that succeeded left nothing to write): the run's end
        // already carries that failure's message.
      }
    },
  };
}

/** For a replay whose lines are its output (the CLI's file mode): nothing is kept. */
export const nothingStored: ReplaySink = {
  addResults: () => {},
  writeTrace: () => {},
  flush: () => {},
  finish: () => {},
  close: () => {},
};
