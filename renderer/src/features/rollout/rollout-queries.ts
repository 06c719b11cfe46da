import type { QueryClient } from '@tanstack/react-query';
import type { StudioClient } from '@shared/contract';
import { valueOf } from '../../app/studio-error';
import type { RolloutView } from './rollout-text';

// The rollout panel's keys in the page's cache, in one place: per environment, the current (or
// last) rollout, which the pushed `rollout.status` events keep up to date, and the differences of
// one rollout, asked again only when the rollout's count of differences changes.

export type RolloutApi = Pick<StudioClient, 'rollouts' | 'runtime'>;

export const rolloutKeys = {
  environment: (environment: string) => ['rollout', environment] as const,
  status: (environment: string) => ['rollout', environment, 'status'] as const,
  differences: (environment: string, rolloutId: string, count: number) =>
    ['rollout', environment, 'differences', rolloutId, count] as const,
  /** A runtime's trace never changes once written: one key per environment and trace. */
  trace: (environment: string, traceId: string) => ['runtime-trace', environment, traceId] as const,
};

export function rolloutStatusQuery(api: RolloutApi, environment: string) {
  return {
    queryKey: rolloutKeys.status(environment),
    queryFn: async (): Promise<RolloutView | null> => (await valueOf(api.rollouts.status({ environment }))).rollout,
    // Kept fresh by the pushed events while watched; read again on each (re)connect.
    staleTime: Infinity,
  };
}

export function rolloutDifferencesQuery(api: RolloutApi, environment: string, rolloutId: string, count: number) {
  return {
    queryKey: rolloutKeys.differences(environment, rolloutId, count),
    queryFn: async () => (await valueOf(api.rollouts.differences({ environment, limit: 200 }))).differences,
    staleTime: Infinity,
  };
}

export function runtimeTraceQuery(api: RolloutApi, environment: string, traceId: string) {
  return {
    queryKey: rolloutKeys.trace(environment, traceId),
    queryFn: () => valueOf(api.runtime.trace({ environment, traceId })),
    staleTime: Infinity,
  };
}

/** A pushed status or a steering call told the rollout as it is now (null: none yet). */
export function setRollout(client: QueryClient, environment: string, rollout: RolloutView | null): void {
  client.setQueryData(rolloutKeys.status(environment), rollout);
}
