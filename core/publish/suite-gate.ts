import type { ChannelOutput } from '../../shared/contract';
import type { Bundle } from '../../shared/engine';
import type { Workspace } from '../store';
import { PublishStop } from './publish-rules';

// A publish's suite step: the pinned events replayed through the bundle being published, by the
// one replay orchestrator (core/replay/replay-jobs.ts) whether that bundle is the workspace's or a
// bundle folder's (`publish <bundle-dir>`). The run is stored like any replay and its id is on the
// job's progress, so the Runs screen shows why a publish stopped. Any mismatch or error fails it.

type StepStatus = ChannelOutput<'publish.progress'>['steps'][number]['status'];
type ReplayEnd = ChannelOutput<'replay.progress'>;

/** What the suite step needs of the replay jobs. */
export interface SuiteReplays {
  start(input: { selection: { kind: 'pinned' }; label: string; environment: string; bundle: Bundle }): { id: number };
  /** Resolves with the run's final progress once it has ended. */
  finished(runId: number): Promise<ReplayEnd>;
}

export async function suiteStep(
  replayJobs: SuiteReplays,
  work: { workspace: Workspace; bundle: Bundle; environment: string },
  progress: { suiteRunId?: number },
  set: (status: StepStatus, detail?: string) => void,
): Promise<void> {
  const name = work.environment;
  const bundle = work.bundle;
  if (work.workspace.events.count({ pinned: true }) === 0) {
    set('skipped', 'no event is pinned');
    return;
  }
  const run = replayJobs.start({
    selection: { kind: 'pinned' },
    label: `publish to ${name}`,
    environment: name,
    bundle,
  });
  progress.suiteRunId = run.id;
  const end = await replayJobs.finished(run.id);
  if (end.status !== 'done') {
    throw new PublishStop('SUITE_FAILED', `The suite replay ${end.status}${end.message ? `: ${end.message}` : ''}.`);
  }
  if (end.mismatches > 0 || end.errors > 0) {
    throw new PublishStop(
      'SUITE_FAILED',
      `${end.mismatches} of ${end.total} pinned events no longer match their recorded outcome, ${end.errors} failed (replay run ${run.id}).`,
    );
  }
  set('pass', `${end.total} pinned events replayed, all match (replay run ${run.id})`);
}
