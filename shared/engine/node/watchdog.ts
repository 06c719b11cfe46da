import type { ScriptOutcome } from '../types';
import { readExecutionSlot, type ExecutingScript } from './sandbox/execution-slot';
import { epochNow, failedOutcome } from './sandbox/script-run';
import type { WorkerHandle } from './worker-handle';

// The watchdog lives in the main thread, outside the engines, because a script inside a C function
// (a string pattern, table.move) is beyond any hook and never returns to its thread's event loop,
// so the worker could not answer a message. Each worker writes into shared memory which script is
// executing and until when, and beats a heartbeat; the watchdog reads that memory and names the
// workers that must be replaced: one whose script is still executing graceMs past its deadline, or
// one whose event loop made no progress for stallMs (startMs while it is still loading the engine).
// The time limit itself does not depend on the grace: a run that ends past its deadline is a
// TIMEOUT in the worker too (sandbox/script-run.ts), so the grace only decides when a stuck engine
// is stopped.

export interface WatchdogLimits {
  graceMs: number;
  stallMs: number;
  startMs: number;
}

const intervalMs = 25;

export class Watchdog {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: WatchdogLimits,
    private readonly workers: () => readonly WorkerHandle[],
    /** Called for a worker that must go; `stuck` is the script that overstayed, if one did. */
    private readonly replace: (handle: WorkerHandle, stuck: ExecutingScript | undefined) => void,
  ) {}

  /** Starts watching, if it is not already: called whenever a worker gets a job. */
  arm(): void {
    this.timer ??= setInterval(this.tick, intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private readonly tick = (): void => {
    const now = epochNow();
    let busy = false;
    for (const handle of this.workers()) {
      if (!handle.alive || handle.jobs.size === 0) continue;
      busy = true;
      const reading = readExecutionSlot(handle.slot);
      if (!reading) continue;
      if (reading.progress !== handle.progress) {
        handle.progress = reading.progress;
        handle.progressAt = now;
      }
      const executing = reading.executing;
      const quietFor = now - handle.progressAt;
      if (executing && now > executing.deadline + this.limits.graceMs) this.replace(handle, executing);
      else if (!executing && quietFor > (handle.ready ? this.limits.stallMs : this.limits.startMs)) {
        this.replace(handle, undefined);
      }
    }
    // Idle pools keep no timer running.
    if (!busy) this.stop();
  };
}

/** The outcome of a script the watchdog stopped by replacing its engine. */
export function watchdogTimeout(scriptId: string, timeoutMs: number, stuck: ExecutingScript): ScriptOutcome {
  return failedOutcome(
    scriptId,
    {
      code: 'TIMEOUT',
      message: `the script ran longer than ${timeoutMs} ms (stopped inside a library call by replacing its engine)`,
    },
    stuck.startedAt,
  );
}
