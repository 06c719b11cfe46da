import { useEffect, useEffectEvent, useState } from 'react';
import { followJob } from '../../client/follow-job';
import { studio } from '../../client/studio-client';
import type { ImpactProgress } from './impact-text';

/**
 * The progress of an impact while the view is mounted: read once each time the event stream
 * (re)connects, then taken from the `impact.progress` events the core pushes as it compares.
 * `onEnded` once it is done, failed or cancelled (then its changes can be listed).
 */
export function useImpactProgress(
  impactId: string | null,
  onEnded: (progress: ImpactProgress) => void,
): { progress: ImpactProgress | null; error: string | null } {
  const [state, setState] = useState<{
    impactId: string;
    progress: ImpactProgress | null;
    error: string | null;
  } | null>(null);
  const ended = useEffectEvent(onEnded);

  useEffect(() => {
    if (impactId === null) return;
    return followJob<ImpactProgress>({
      listen: (listener, onOpen) => studio.listen('impact.progress', listener, onOpen),
      isMine: (progress) => progress.impactId === impactId,
      read: () => studio.impact.progress({ impactId }),
      isRunning: (progress) => progress.status === 'running',
      onState: (progress) => setState({ impactId, progress, error: null }),
      onError: (error) =>
        setState((previous) => ({
          impactId,
          progress: previous?.impactId === impactId ? previous.progress : null,
          error: error.message,
        })),
      onEnded: (progress) => ended(progress),
    });
  }, [impactId]);

  return state?.impactId === impactId
    ? { progress: state.progress, error: state.error }
    : { progress: null, error: null };
}
