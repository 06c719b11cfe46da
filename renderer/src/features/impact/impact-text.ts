// Pure helpers of the Impact step: the periods it offers, what each kind of change is called, the
// counts per kind, an outcome in a few words and the progress line. No React, no client:
// unit-tested in impact-text.test.ts.

import type { ChannelOutput } from '@shared/contract';
import { impactFlipKinds } from '@shared/contract/impact-channels';
import type { ChangeKind } from './impact-queries';

export type ImpactProgress = ChannelOutput<'impact.progress'>;
export type ImpactSummary = ImpactProgress['summary'];
export type ImpactChange = ChannelOutput<'impact.changes'>['changes'][number];
export type ImpactOutcome = ImpactChange['baseline'];

/** The periods of captured traffic an impact can look back over. */
export const impactPeriods = [
  { hours: 24, label: 'Last 24 hours' },
  { hours: 24 * 7, label: 'Last 7 days' },
  { hours: 24 * 30, label: 'Last 30 days' },
] as const;

export const defaultPeriodHours = 24 * 7;

const kinds: { kind: ChangeKind; label: string; field: keyof ImpactSummary }[] = [
  { kind: 'allow→deny', label: 'allow → deny', field: 'allowToDeny' },
  { kind: 'deny→allow', label: 'deny → allow', field: 'denyToAllow' },
  { kind: 'reason', label: 'reason changed', field: 'reasonChanged' },
  { kind: 'data', label: 'data changed', field: 'dataChanged' },
  { kind: 'error-new', label: 'new error', field: 'newErrors' },
  { kind: 'error-fixed', label: 'error fixed', field: 'fixedErrors' },
  { kind: 'error-changed', label: 'error changed', field: 'changedErrors' },
];

export function kindLabel(kind: ChangeKind): string {
  return kinds.find((entry) => entry.kind === kind)?.label ?? kind;
}

/** The kinds that change a decision, which must be acknowledged before publishing. */
export function isFlip(kind: ChangeKind): boolean {
  return (impactFlipKinds as readonly string[]).includes(kind);
}

export const flipKinds: readonly ChangeKind[] = impactFlipKinds;

/** Every kind with its count, flips first, in a fixed order. */
export function kindCounts(summary: ImpactSummary): { kind: ChangeKind; label: string; count: number }[] {
  return kinds.map(({ kind, label, field }) => ({ kind, label, count: summary[field] as number }));
}

export function flipCount(summary: ImpactSummary): number {
  return summary.allowToDeny + summary.denyToAllow;
}

/** Events whose outcome changed in any way. */
export function changedCount(summary: ImpactSummary): number {
  return kindCounts(summary).reduce((sum, entry) => sum + entry.count, 0);
}

/** One side's outcome in a few words: allow, deny "reason" (CODE), error CODE, data, ok. */
export function outcomeText(outcome: ImpactOutcome): string {
  if (outcome.error || !outcome.ok) {
    const code = outcome.error?.code ?? outcome.code ?? '';
    const where = outcome.error?.scriptId ? ` in ${outcome.error.scriptId}` : '';
    return `error ${code}${where}`.replace(/\s+/g, ' ').trim();
  }
  if (outcome.allow === true) return 'allow';
  if (outcome.allow === false) {
    const reason = outcome.reason ? ` "${outcome.reason}"` : '';
    const code = outcome.code ? ` (${outcome.code})` : '';
    return `deny${reason}${code}`;
  }
  if (outcome.data || outcome.results) return 'data';
  return 'ok';
}

const n = (count: number) => count.toLocaleString('en-US');

/** The line the progress bar is labelled with, and what an ended impact says. */
export function impactHeadline(progress: ImpactProgress): string {
  const compared = `${n(progress.done)} of ${n(progress.total)} events`;
  switch (progress.status) {
    case 'running':
      return `Comparing… ${compared}`;
    case 'cancelled':
      return `Cancelled after ${compared}.`;
    case 'failed':
      return `The impact failed: ${progress.message ?? 'no reason given'}`;
    case 'done': {
      const changed = changedCount(progress.summary);
      const flips = flipCount(progress.summary);
      if (changed === 0) return `No event's outcome changed (${n(progress.total)} compared).`;
      return `${n(changed)} of ${n(progress.total)} events changed, ${n(flips)} ${flips === 1 ? 'decision flipped' : 'decisions flipped'}.`;
    }
  }
}

/** Whether an impact compared the very bundle a review would publish (hashes with or without `sha256:`). */
export function sameBundle(a: string, b: string): boolean {
  const plain = (hash: string) => hash.replace(/^sha256:/, '').toLowerCase();
  return plain(a) === plain(b);
}
