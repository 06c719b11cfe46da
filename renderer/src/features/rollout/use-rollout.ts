import { useEffect, useRef, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { valueOf } from '../../app/studio-error';
import { studio } from '../../client/studio-client';
import { invalidatePublish } from '../publish/publish-queries';
import { isTraceId } from '../traces/trace-queries';
import {
  rolloutDifferencesQuery,
  rolloutKeys,
  rolloutStatusQuery,
  runtimeTraceQuery,
  setRollout,
} from './rollout-queries';
import type { RolloutView } from './rollout-text';
import { watchCalls } from './rollout-watch-calls';

type CoreError = { code: string; message: string };

const watches = watchCalls(
  (environment) => studio.rollouts.watch({ environment }),
  (environment) => studio.rollouts.unwatch({ environment }),
);

/**
 * The environment's rollout while the panel is shown: rollouts.watch on mount (rollouts.unwatch
 * on leave), then each pushed `rollout.status` replaces the cached rollout. The rollout is read
 * once on every (re)connect of the event stream, since pushes made while it was down are lost.
 */
export function useWatchedRollout(environment: string) {
  const client = useQueryClient();
  const query = useQuery(rolloutStatusQuery(studio, environment));
  const [pushError, setPushError] = useState<CoreError | null>(null);
  const [watchError, setWatchError] = useState<CoreError | null>(null);

  useEffect(() => {
    let current = true;
    const stop = studio.listen(
      'rollout.status',
      (status) => {
        if (status.environment !== environment) return;
        setRollout(client, environment, status.rollout);
        setPushError(status.error ?? null);
      },
      () => void client.invalidateQueries({ queryKey: rolloutKeys.status(environment) }),
    );
    void watches.acquire(environment).then((answer) => {
      if (current) setWatchError(answer.ok ? null : answer.error);
    });
    return () => {
      current = false;
      stop();
      watches.release(environment);
    };
  }, [client, environment]);

  // A rollout that stops running may have changed the active bundle (promoted): the history and
  // the review of the environment are asked again, once per ending.
  const state = query.data?.state;
  const previous = useRef(state);
  useEffect(() => {
    if (previous.current === 'running' && state !== undefined && state !== 'running') {
      void invalidatePublish(client, environment);
    }
    previous.current = state;
  }, [client, environment, state]);

  return { query, error: watchError ?? pushError };
}

export function useSetPercent(environment: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { percent: number; confirm?: string }) =>
      valueOf(studio.rollouts.setPercent({ environment, ...input })),
    onSuccess: (answer) => setRollout(client, environment, answer.rollout),
  });
}

export function usePromote(environment: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (confirm: string) => valueOf(studio.rollouts.promote({ environment, ...(confirm ? { confirm } : {}) })),
    onSuccess: (answer) => {
      setRollout(client, environment, answer.rollout);
      return invalidatePublish(client, environment);
    },
  });
}

export function useAbort(environment: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => valueOf(studio.rollouts.abort({ environment })),
    onSuccess: (answer) => setRollout(client, environment, answer.rollout),
  });
}

/** The rollout's differences, asked again when its count of differences changes (never polled). */
export function useRolloutDifferences(environment: string, rollout: RolloutView | null) {
  const count = rollout?.stats.differences.n ?? 0;
  return useQuery({
    ...rolloutDifferencesQuery(studio, environment, rollout?.id ?? '', count),
    enabled: rollout !== null && count > 0,
    placeholderData: keepPreviousData,
  });
}

/** One of the runtime's traces (a difference's side, a tail row's). */
export function useRuntimeTrace(environment: string, traceId: string) {
  return useQuery({ ...runtimeTraceQuery(studio, environment, traceId), enabled: isTraceId(traceId) });
}
