import type { QueryClient } from '@tanstack/react-query';
import type { ChannelInput, StudioClient } from '@shared/contract';
import { valueOf } from '../../app/studio-error';

// The Impact step's keys in the page's cache, in one place: everything of one impact lives under
// `['impact', impactId]` (its pages of changes per filter, the flip counts per script), so the end
// of the impact or an acknowledgement refreshes all of it at once.

export type ImpactApi = Pick<StudioClient, 'impact'>;
export type ChangeKind = NonNullable<ChannelInput<'impact.changes'>['kind']>;

/** Which changes a list shows: one kind, one script, both, or all. */
export interface ChangeFilter {
  kind?: ChangeKind;
  script?: string;
}

export const impactPageSize = 200;

export const impactKeys = {
  all: ['impact'] as const,
  impact: (impactId: string) => ['impact', impactId] as const,
  changes: (impactId: string, filter: ChangeFilter) =>
    ['impact', impactId, 'changes', filter.kind ?? 'any', filter.script ?? 'any'] as const,
  /** How many changes of one kind one script made (one-row page, its total). */
  count: (impactId: string, kind: ChangeKind, script: string) => ['impact', impactId, 'count', kind, script] as const,
};

export function impactChangesPage(api: ImpactApi, impactId: string, filter: ChangeFilter) {
  const only = {
    ...(filter.kind === undefined ? {} : { kind: filter.kind }),
    ...(filter.script === undefined ? {} : { script: filter.script }),
  };
  return (offset: number, limit: number) => valueOf(api.impact.changes({ impactId, ...only, offset, limit }));
}

export function impactCountQuery(api: ImpactApi, impactId: string, kind: ChangeKind, script: string) {
  return {
    queryKey: impactKeys.count(impactId, kind, script),
    queryFn: async () => (await valueOf(api.impact.changes({ impactId, kind, script, offset: 0, limit: 1 }))).total,
  };
}

/** An impact ended or was acknowledged: its changes and counts are asked again. */
export function invalidateImpact(client: QueryClient, impactId: string): Promise<void> {
  return client.invalidateQueries({ queryKey: impactKeys.impact(impactId) });
}
