import type { ChannelOutput } from '../../shared/contract';
import {
  emptyOutcomeCounts,
  outcomeBucket,
  type OutcomeCounts,
  type ReplayLine,
  type ReplaySummary,
} from '../../shared/engine';
import type { ReplayRun, ResultCounts } from '../store';

// A replay's progress as `replay.progress` answers it and the `replay.progress` event pushes it:
// from a job's counters while it lives in this process, or from the store for any other run.

export type ReplayProgress = ChannelOutput<'replay.progress'>;
export type ReplayStatus = ReplayProgress['status'];

/** The estimate waits for this many events, or this share of them, whichever comes first. */
const etaMinEvents = 50;
const etaMinShare = 0.05;

/** A job's counters: `done` events, each counted in one bucket as the stored summary counts it. */
export type ReplayCounts = Omit<OutcomeCounts, 'events'> & { done: number };

export function emptyCounts(): ReplayCounts {
  const { events: done, ...buckets } = emptyOutcomeCounts();
  return { done, ...buckets };
}

export function countLine(counts: ReplayCounts, line: ReplayLine): void {
  counts.done += 1;
  counts[outcomeBucket(line)] += 1;
  if (line.mismatch !== null) counts.mismatches += 1;
}

/** Events per second, one decimal (as summarizeReplay has it). */
export function rate(done: number, elapsedMs: number): number {
  return elapsedMs > 0 ? Math.round(((done * 1000) / elapsedMs) * 10) / 10 : 0;
}

export function summaryOf(counts: ReplayCounts, elapsedMs: number): ReplaySummary {
  return {
    events: counts.done,
    allowed: counts.allowed,
    denied: counts.denied,
    errors: counts.errors,
    enriched: counts.enriched,
    accepted: counts.accepted,
    mismatches: counts.mismatches,
    eventsPerSecond: rate(counts.done, elapsedMs),
  };
}

/** A job's progress from its counters; the estimate only while it runs and once enough has finished. */
export function liveProgress(job: {
  runId: number;
  status: ReplayStatus;
  total: number;
  counts: ReplayCounts;
  elapsedMs: number;
  message?: string | undefined;
}): ReplayProgress {
  const { counts, elapsedMs, total } = job;
  const perMs = elapsedMs > 0 ? counts.done / elapsedMs : 0;
  const enough = counts.done >= etaMinEvents || counts.done >= total * etaMinShare;
  const estimate = job.status === 'running' && enough && perMs > 0 && counts.done > 0;
  const progress: ReplayProgress = {
    runId: job.runId,
    status: job.status,
    total,
    ...counts,
    elapsedMs: Math.round(elapsedMs),
    etaMs: estimate ? Math.round((total - counts.done) / perMs) : null,
    eventsPerSecond: rate(counts.done, elapsedMs),
  };
  if (job.message !== undefined) progress.message = job.message;
  return progress;
}

/**
 * A run's progress from the store: its summary once it has ended; while it is `running` (another
 * process's replay, or one whose end could not be written) what is stored so far, without an
 * estimate. `counts` reads the stored results' counts (only called when needed).
 */
export function storedProgress(run: ReplayRun, counts: () => ResultCounts, nowMs: number): ReplayProgress {
  const startedMs = Date.parse(run.startedAt);
  const progressOf = (stored: ResultCounts, elapsedMs: number, eventsPerSecond: number): ReplayProgress => ({
    runId: run.id,
    status: run.status,
    total: run.total,
    done: stored.events,
    allowed: stored.allowed,
    denied: stored.denied,
    errors: stored.errors,
    enriched: stored.enriched,
    accepted: stored.accepted,
    mismatches: stored.mismatches,
    elapsedMs,
    etaMs: null,
    eventsPerSecond,
  });
  if (run.status === 'running') {
    const stored = counts();
    const elapsedMs = Math.max(0, nowMs - startedMs);
    return progressOf(stored, elapsedMs, rate(stored.events, elapsedMs));
  }
  const summary = run.summary ?? { ...counts(), eventsPerSecond: 0 };
  const elapsedMs = run.finishedAt ? Math.max(0, Date.parse(run.finishedAt) - startedMs) : 0;
  const progress = progressOf(summary, elapsedMs, summary.eventsPerSecond);
  if (run.message !== undefined) progress.message = run.message;
  return progress;
}
