import { useEffect, useEffectEvent, useState } from 'react';
import { studio } from '../../client/studio-client';
import { startPolling } from '../runs/poller';
import type { PublishProgress } from './publish-text';

/** How often a running publish is asked for its progress. */
export const publishPollMs = 250;

/**
 * The progress of a publish job, polled while it runs and the view is mounted; `onEnded` once it
 * is done or failed (then history and environments can be refreshed).
 */
export function usePublishProgress(
  jobId: string | null,
  onEnded: (progress: PublishProgress) => void,
): { progress: PublishProgress | null; error: string | null } {
  const [state, setState] = useState<{ jobId: string; progress: PublishProgress | null; error: string | null } | null>(
    null,
  );
  const ended = useEffectEvent(onEnded);

  useEffect(() => {
    if (jobId === null) return;
    return startPolling(async () => {
      const answer = await studio.publish.progress({ jobId });
      if (!answer.ok) {
        setState((previous) => ({
          jobId,
          progress: previous?.jobId === jobId ? previous.progress : null,
          error: answer.error.message,
        }));
        return answer.error.code !== 'NOT_FOUND';
      }
      setState({ jobId, progress: answer.value, error: null });
      if (answer.value.status === 'running') return true;
      ended(answer.value);
      return false;
    }, publishPollMs);
  }, [jobId]);

  return state?.jobId === jobId ? { progress: state.progress, error: state.error } : { progress: null, error: null };
}
