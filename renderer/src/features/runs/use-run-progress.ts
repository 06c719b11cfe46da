import { useEffect, useEffectEvent, useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import { studio } from '../../client/studio-client';
import { startPolling } from './poller';

export type ReplayProgress = ChannelOutput<'replay.progress'>;

/** How often a running replay is asked for its progress. */
export const progressIntervalMs = 250;

/**
 * The progress of a running run, polled while `running` and the view is mounted; `onEnded` once the
 * run is no longer running (then its results can be loaded).
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
    return startPolling(async () => {
      const answer = await studio.replay.progress({ runId });
      if (!answer.ok) {
        setState((previous) => ({
          runId,
          progress: previous?.runId === runId ? previous.progress : null,
          error: answer.error.message,
        }));
        return answer.error.code !== 'NOT_FOUND';
      }
      setState({ runId, progress: answer.value, error: null });
      if (answer.value.status === 'running') return true;
      ended(answer.value);
      return false;
    }, progressIntervalMs);
  }, [runId, running]);

  return state?.runId === runId ? { progress: state.progress, error: state.error } : { progress: null, error: null };
}
