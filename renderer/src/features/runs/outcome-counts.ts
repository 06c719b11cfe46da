import type { OutcomeBucket, OutcomeCounts } from '@shared/engine/outcome';

export interface OutcomeCountPart {
  kind: OutcomeBucket | 'mismatches';
  text: string;
}

const n = (count: number) => count.toLocaleString('en-US');

const noun: Record<OutcomeCountPart['kind'], [one: string, many: string]> = {
  allowed: ['allowed', 'allowed'],
  denied: ['denied', 'denied'],
  errors: ['error', 'errors'],
  enriched: ['enriched', 'enriched'],
  accepted: ['accepted', 'accepted'],
  mismatches: ['mismatch', 'mismatches'],
};

/**
 * What a run's counts say, in the order the run list and the progress show them. Each event is in
 * exactly one bucket (shared/engine/outcome.ts), so the buckets add up to the events. Enrichment and
 * async buckets show only when the run has such events, so a run of blocking hooks reads as before.
 */
export function outcomeCountParts(counts: Pick<OutcomeCounts, OutcomeBucket | 'mismatches'>): OutcomeCountPart[] {
  const kinds: OutcomeCountPart['kind'][] = ['allowed', 'denied', 'errors'];
  if (counts.enriched > 0) kinds.push('enriched');
  if (counts.accepted > 0) kinds.push('accepted');
  kinds.push('mismatches');
  return kinds.map((kind) => {
    const [one, many] = noun[kind];
    return { kind, text: `${n(counts[kind])} ${counts[kind] === 1 ? one : many}` };
  });
}
