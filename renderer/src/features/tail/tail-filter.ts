// The live tail's filter as typed on the screen, checked before it is sent to tail.start, and the
// same filter applied to the rows already shown. Pure: unit-tested in tail-filter.test.ts.

import type { ChannelInput } from '@shared/contract';
import type { TailItem, TailOutcome } from './tail-rows';

export type TailFilter = NonNullable<ChannelInput<'tail.start'>['filter']>;

export interface TailFilterForm {
  hooks: string[];
  outcomes: TailOutcome[];
  /** A bundle version as typed; empty: any. */
  version: string;
  text: string;
}

export const emptyTailFilter: TailFilterForm = { hooks: [], outcomes: [], version: '', text: '' };

export const tailOutcomes: readonly TailOutcome[] = ['allow', 'deny', 'data', 'accepted', 'error'];

/** The filter tail.start takes, or what is wrong with the form. */
export function toTailFilter(
  form: TailFilterForm,
  knownHooks: readonly string[],
): { filter: TailFilter } | { problem: string } {
  const version = form.version.trim();
  if (version !== '' && (!/^\d{1,9}$/.test(version) || Number(version) < 1)) {
    return { problem: 'The version is a whole number from 1 (empty: any version).' };
  }
  const text = form.text.trim();
  if (text.length > 200) return { problem: 'The text is at most 200 characters.' };
  if (form.hooks.length > 16) return { problem: 'Choose at most 16 hooks.' };
  const unknown = form.hooks.find((hook) => !knownHooks.includes(hook));
  if (unknown !== undefined) return { problem: `“${unknown}” is not a hook.` };
  const filter = {
    ...(form.hooks.length ? { hooks: [...form.hooks] } : {}),
    ...(form.outcomes.length ? { outcomes: [...form.outcomes] } : {}),
    ...(version ? { version: Number(version) } : {}),
    ...(text ? { text } : {}),
  };
  return { filter: filter as TailFilter };
}

/** Whether a row passes the filter, as the runtime decides it (text: case-insensitive, anywhere). */
export function matchesTailFilter(item: TailItem, filter: TailFilter): boolean {
  if (filter.hooks && !filter.hooks.includes(item.hook)) return false;
  if (filter.outcomes && !filter.outcomes.includes(item.outcome)) return false;
  if (filter.version !== undefined && item.version !== filter.version) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    const haystack = [item.hook, item.reason, item.error?.code, item.error?.script, item.traceId];
    if (!haystack.some((value) => value?.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/** Two filters ask for the same rows. */
export function sameTailFilter(a: TailFilter, b: TailFilter): boolean {
  const key = (filter: TailFilter) =>
    JSON.stringify([
      [...(filter.hooks ?? [])].sort(),
      [...(filter.outcomes ?? [])].sort(),
      filter.version ?? null,
      filter.text ?? '',
    ]);
  return key(a) === key(b);
}
