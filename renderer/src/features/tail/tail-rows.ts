// The live tail's rows in the page: newest first, at most `maxTailRows` kept. While paused, rows
// keep arriving into a buffer of the same bound (the screen says "N new") and are shown on resume.
// Pure: unit-tested in tail-rows.test.ts.

import type { EventPayload } from '@shared/contract';

export type TailBatch = EventPayload<'tail.batch'>;
export type TailItem = TailBatch['items'][number];
export type TailOutcome = TailItem['outcome'];

/** A tail row with a key of its own (two invocations may share a time and a hook). */
export interface TailRow extends TailItem {
  key: number;
}

export const maxTailRows = 5000;

export interface TailRows {
  /** Shown, newest first. */
  rows: TailRow[];
  /** Arrived while paused, newest first (the newest `maxTailRows`). */
  pending: TailRow[];
  /** How many arrived while paused, those that fell out of the buffer included. */
  arrivedWhilePaused: number;
  paused: boolean;
  nextKey: number;
  /** The share the runtime sends now (1: every matching invocation). */
  sampleRate: number;
  /** Matching invocations the runtime left out by sampling since the stream opened. */
  dropped: number;
}

export const emptyTailRows: TailRows = {
  rows: [],
  pending: [],
  arrivedWhilePaused: 0,
  paused: false,
  nextKey: 0,
  sampleRate: 1,
  dropped: 0,
};

/** A batch arrived (its items oldest first, as the runtime finished them). */
export function receiveBatch(
  state: TailRows,
  batch: Pick<TailBatch, 'items' | 'sampleRate' | 'dropped'>,
  limit = maxTailRows,
): TailRows {
  const count = batch.items.length;
  // Only the newest `limit` of a huge batch can ever be shown.
  const kept = batch.items.slice(Math.max(0, count - limit));
  const firstKey = state.nextKey + (count - kept.length);
  const newest = kept.map((item, index) => ({ ...item, key: firstKey + index })).reverse();
  const next = { ...state, nextKey: state.nextKey + count, sampleRate: batch.sampleRate, dropped: batch.dropped };
  if (count === 0) return next;
  if (state.paused) {
    return {
      ...next,
      pending: [...newest, ...state.pending].slice(0, limit),
      arrivedWhilePaused: state.arrivedWhilePaused + count,
    };
  }
  return { ...next, rows: [...newest, ...state.rows].slice(0, limit) };
}

export function pauseRows(state: TailRows): TailRows {
  return state.paused ? state : { ...state, paused: true };
}

/** Shows what arrived while paused, above what was shown. */
export function resumeRows(state: TailRows, limit = maxTailRows): TailRows {
  if (!state.paused) return state;
  return {
    ...state,
    paused: false,
    rows: [...state.pending, ...state.rows].slice(0, limit),
    pending: [],
    arrivedWhilePaused: 0,
  };
}

/** Keeps only the rows (shown and buffered) that pass a test: a new filter applied to what is there. */
export function keepRows(state: TailRows, keep: (row: TailRow) => boolean): TailRows {
  const pending = state.pending.filter(keep);
  return {
    ...state,
    rows: state.rows.filter(keep),
    pending,
    arrivedWhilePaused: Math.min(state.arrivedWhilePaused, pending.length),
  };
}

/** "showing 1 in 4 — the runtime is sampling", or null when every invocation is sent. */
export function samplingText(sampleRate: number): string | null {
  if (sampleRate >= 1) return null;
  if (sampleRate <= 0) return 'showing none right now — the runtime is sampling';
  return `showing 1 in ${Math.round(1 / sampleRate)} — the runtime is sampling`;
}

/** "12 new" while paused (and that only the newest are kept when more arrived than fit). */
export function newRowsText(state: TailRows, limit = maxTailRows): string {
  const count = state.arrivedWhilePaused;
  const text = `${count.toLocaleString('en')} new`;
  return count > limit ? `${text} (the newest ${limit.toLocaleString('en')} are kept)` : text;
}
