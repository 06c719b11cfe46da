import { useEffect, useEffectEvent, useState } from 'react';
import { followJob } from '../../client/follow-job';
import { studio } from '../../client/studio-client';
import type { PublishProgress } from './publish-text';

/**
 * The progress of a publish job while the view is mounted: read once each time the event stream
 * (re)connects, then taken from the `publish.steps` events the core pushes on every step change.
 * `onEnded` once it is done or failed (then history and environments can be refreshed).
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
    return followJob<PublishProgress>({
      listen: (listener, onOpen) => studio.listen('publish.steps', listener, onOpen),
      isMine: (progress) => progress.jobId === jobId,
      read: () => studio.publish.progress({ jobId }),
      isRunning: (progress) => progress.status === 'running',
      onState: (progress) => setState({ jobId, progress, error: null }),
      onError: (error) =>
        setState((previous) => ({
          jobId,
          progress: previous?.jobId === jobId ? previous.progress : null,
          error: error.message,
        })),
      onEnded: (progress) => ended(progress),
    });
  }, [jobId]);

  return state?.jobId === jobId ? { progress: state.progress, error: state.error } : { progress: null, error: null };
}
