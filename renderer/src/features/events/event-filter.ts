import type { ChannelInput } from '@shared/contract';
import type { HookId } from '@shared/hooks/definitions';

export type EventFilter = Omit<ChannelInput<'events.list'>, 'limit' | 'offset'>;

/** The filter bar as typed: empty strings mean "any". Times are UTC, as the list shows them. */
export interface FilterForm {
  hook: string;
  source: string;
  tag: string;
  pinnedOnly: boolean;
  /** `YYYY-MM-DDTHH:MM` of an <input type="datetime-local">, read as UTC. */
  from: string;
  to: string;
  text: string;
}

export const emptyFilterForm: FilterForm = {
  hook: '',
  source: '',
  tag: '',
  pinnedOnly: false,
  from: '',
  to: '',
  text: '',
};

/** A datetime-local value read as UTC, as ISO 8601; null when it is not a time. */
export function utcInputToIso(value: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?$/.exec(value);
  if (!match) return null;
  const time = new Date(`${match[1]}T${match[2]}${match[3] ?? ':00'}Z`);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

/** The events.list filter of the form, and what in the form cannot be used. */
export function toEventFilter(form: FilterForm): { filter: EventFilter; problems: string[] } {
  const filter: EventFilter = {};
  const problems: string[] = [];
  // The hook comes from a list of the hooks themselves; the core validates it again.
  if (form.hook) filter.hook = form.hook as HookId;
  if (form.source.trim()) filter.source = form.source.trim();
  if (form.tag.trim()) filter.tag = form.tag.trim();
  if (form.pinnedOnly) filter.pinned = true;
  if (form.text.trim()) filter.text = form.text.trim().slice(0, 200);
  for (const bound of ['from', 'to'] as const) {
    if (!form[bound]) continue;
    const iso = utcInputToIso(form[bound]);
    if (iso) filter[bound] = iso;
    else problems.push(`“${bound === 'from' ? 'From' : 'To'}” is not a date and time.`);
  }
  if (filter.from && filter.to && filter.from >= filter.to) problems.push('“From” must be before “To”.');
  return { filter, problems };
}

export function isEmptyFilter(filter: EventFilter): boolean {
  return Object.keys(filter).length === 0;
}

/** One line saying what a filter keeps, for run labels: `hook signup.before · tag smoke`. */
export function describeFilter(filter: EventFilter): string {
  const parts: string[] = [];
  if (filter.hook) parts.push(`hook ${filter.hook}`);
  if (filter.source) parts.push(`source ${filter.source}`);
  if (filter.tag) parts.push(`tag ${filter.tag}`);
  if (filter.pinned) parts.push('pinned');
  if (filter.from) parts.push(`from ${filter.from.slice(0, 16).replace('T', ' ')}`);
  if (filter.to) parts.push(`to ${filter.to.slice(0, 16).replace('T', ' ')}`);
  if (filter.text) parts.push(`“${filter.text}”`);
  return parts.length ? parts.join(' · ') : 'all events';
}
