import type { EventPayload } from '../events';

/** A running replay's pushed progress, for the tests of the transports that carry pushed events. */
export function runningProgress(runId: number, done: number): EventPayload<'replay.progress'> {
  return {
    runId,
    status: 'running',
    total: 10,
    done,
    allowed: done,
    denied: 0,
    errors: 0,
    enriched: 0,
    accepted: 0,
    mismatches: 0,
    elapsedMs: 5,
    etaMs: null,
    eventsPerSecond: 2,
  };
}
