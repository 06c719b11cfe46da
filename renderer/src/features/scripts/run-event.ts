import type { RunRecorded, RunResult } from './run-outcome';

// The editor's Run event box: what is wrong with the typed event, and what becomes of the last
// run's result when the event changes.

export interface RunState {
  result: RunResult | null;
  recorded: RunRecorded | null;
  error: string | null;
  running: boolean;
}

export const idleRun: RunState = { result: null, recorded: null, error: null, running: false };

/** Why the event box cannot be run, or null when it holds a JSON object. */
export function eventProblem(text: string): string | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? null : 'The event must be a JSON object.';
  } catch (error) {
    return `Not JSON: ${(error as Error).message}`;
  }
}

/**
 * The run state once the event box says `text`. A result kept under "Not JSON" read as the answer to
 * what was typed, so an event that cannot run clears the last result (and its error); a valid edit
 * keeps it until the next Run.
 */
export function runAfterEventEdit(run: RunState, text: string): RunState {
  if (eventProblem(text) === null || run.running) return run;
  return idleRun;
}
