import type { QueryClient } from '@tanstack/react-query';
import type { StudioClient } from '@shared/contract';
import { valueOf } from '../../app/studio-error';

// The publish screens' keys in the page's cache, in one place: per environment, the runtime's
// version history and the review of what a publish would change.

export type PublishApi = Pick<StudioClient, 'publish'>;

export const publishKeys = {
  all: ['publish'] as const,
  environment: (environment: string) => ['publish', environment] as const,
  history: (environment: string) => ['publish', environment, 'history'] as const,
  preview: (environment: string) => ['publish', environment, 'preview'] as const,
};

export function publishHistoryQuery(api: PublishApi, environment: string) {
  return { queryKey: publishKeys.history(environment), queryFn: () => valueOf(api.publish.history({ environment })) };
}

/** A publish or a rollback ended: the environment's history and review are out of date. */
export function invalidatePublish(client: QueryClient, environment: string): Promise<void> {
  return client.invalidateQueries({ queryKey: publishKeys.environment(environment) });
}
