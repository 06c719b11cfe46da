import type { ChannelOutput } from '@shared/contract';

export type ReplayRun = ChannelOutput<'runs.list'>[number];

/** A run's name in lists and pickers: its label, else its number. */
export function runTitle(run: Pick<ReplayRun, 'id' | 'label'>): string {
  return run.label ? `#${run.id} ${run.label}` : `Run #${run.id}`;
}

/**
 * The label of a run replayed again: `Again: <its label>`, or `Again: run #N` for a run without one.
 * Replaying an "Again" run keeps its label rather than stacking "Again: Again: …"; the run number in
 * front of every title (runTitle) already tells the runs apart. At most 200 characters (the label's
 * limit in shared/contract/replay-channels.ts).
 */
export function againLabel(run: Pick<ReplayRun, 'id' | 'label'>): string {
  const label = run.label?.startsWith(againPrefix) ? run.label : `${againPrefix}${run.label ?? `run #${run.id}`}`;
  return label.slice(0, 200);
}

const againPrefix = 'Again: ';

export const statusText: Record<ReplayRun['status'], string> = {
  running: 'running',
  done: 'done',
  cancelled: 'cancelled',
  failed: 'failed',
};

/** The run to compare a run with by default: the one before it (runs are listed newest first). */
export function previousRunId(runs: readonly Pick<ReplayRun, 'id'>[], runId: number): number | null {
  const index = runs.findIndex((run) => run.id === runId);
  if (index < 0) return null;
  return runs[index + 1]?.id ?? null;
}
