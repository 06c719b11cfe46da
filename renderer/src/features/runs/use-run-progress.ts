import { useEffect, useEffectEvent, useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import { followJob } from '../../client/follow-job';
import { studio } from '../../client/studio-client';

export type ReplayProgress = ChannelOutput<'replay.progress'>;

/**
 * The progress of a running run while `running` and the view is mounted: read once each time the
 * event stream (re)connects, then taken from the `replay.progress` events the core pushes on every
 * batch. `onEnded` once the run is no longer running (then its results can be loaded).
 */
export function useRunProgress(
  runId: number | null,
  running: boolean,
  onEnded: (progress: ReplayProgress) => void,
): { progress: ReplayProgress | null; error: string | null } {
  const [state, setState] = useState<{ runId: number; progress: ReplayProgress | null; error: string | null } | null>(
    null,
  );
  const ended = useEffectEvent(onEnded);

  useEffect(() => {
    if (runId === null || !running) return;
    return followJob<ReplayProgress>({
      listen: (listener, onOpen) => studio.listen('replay.progress', listener, onOpen),
      isMine: (progress) => progress.runId === runId,
      read: () => studio.replay.progress({ runId }),
      isRunning: (progress) => progress.status === 'running',
      onState: (progress) => setState({ runId, progress, error: null }),
      onError: (error) =>
        setState((previous) => ({
          runId,
          progress: previous?.runId === runId ? previous.progress : null,
          error: error.message,
        })),
      onEnded: (progress) => ended(progress),
    });
  }, [runId, running]);

  return state?.runId === runId ? { progress: state.progress, error: state.error } : { progress: null, error: null };
}
