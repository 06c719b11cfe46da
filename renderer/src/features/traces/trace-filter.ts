import type { TraceListInput, TraceStatus } from './types';

// The list's filter as the form holds it (strings, as inputs give them) and as traces.list takes it.

export interface TraceFilterForm {
  hook: string;
  status: '' | TraceStatus;
  /** `datetime-local` values (local time, no zone), or ''. */
  from: string;
  to: string;
  text: string;
}

export const emptyFilter: TraceFilterForm = { hook: '', status: '', from: '', to: '', text: '' };

export type TraceQuery = Omit<TraceListInput, 'offset' | 'limit'>;

/** The channel's filter, or a message saying what to fix. */
export function toTraceQuery(form: TraceFilterForm): { query: TraceQuery } | { problem: string } {
  const query: TraceQuery = {};
  if (form.hook) query.hook = form.hook as TraceQuery['hook'];
  if (form.status) query.status = form.status;
  const from = parseLocal(form.from);
  const to = parseLocal(form.to);
  if (from === 'invalid') return { problem: '“From” is not a date and time.' };
  if (to === 'invalid') return { problem: '“To” is not a date and time.' };
  if (from !== null && to !== null && from >= to) return { problem: '“From” must be before “To”.' };
  if (from !== null) query.fromMs = from;
  if (to !== null) query.toMs = to;
  const text = form.text.trim();
  if (text) query.text = text.slice(0, 200);
  return { query };
}

/** `2026-11-20T10:00` (or with seconds) in local time, to epoch ms. */
function parseLocal(value: string): number | null | 'invalid' {
  if (!value) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(value);
  if (!match) return 'invalid';
  const [, y, mo, d, h, mi, s, ms] = match.map((part) => (part === undefined ? 0 : Number(part)));
  const date = new Date(y!, mo! - 1, d, h, mi, s, ms);
  return Number.isNaN(date.getTime()) || date.getMonth() !== mo! - 1 ? 'invalid' : date.getTime();
}

/** Whether any filter is set (the empty state then says to clear them, not to replay events). */
export function isFiltered(form: TraceFilterForm): boolean {
  return Boolean(form.hook || form.status || form.from || form.to || form.text.trim());
}

/** A stable key of a query: a new key means a new list (the page cache starts over). */
export function queryKey(query: TraceQuery): string {
  return JSON.stringify(Object.entries(query).sort(([a], [b]) => a.localeCompare(b)));
}
