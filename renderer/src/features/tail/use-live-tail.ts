import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { studio } from '../../client/studio-client';
import { matchesTailFilter, type TailFilter } from './tail-filter';
import {
  emptyTailRows,
  keepRows,
  pauseRows,
  receiveBatch,
  resumeRows,
  type TailBatch,
  type TailRows,
} from './tail-rows';

type CoreError = { code: string; message: string };

export type TailStatus =
  | { phase: 'stopped' }
  | { phase: 'starting' }
  | { phase: 'live'; tailId: string }
  | { phase: 'ended'; message?: string }
  | { phase: 'failed'; error: CoreError };

type Action =
  { type: 'batch'; batch: TailBatch } | { type: 'pause' } | { type: 'resume' } | { type: 'filter'; filter: TailFilter };

function reduce(state: TailRows, action: Action): TailRows {
  switch (action.type) {
    case 'batch':
      return receiveBatch(state, action.batch);
    case 'pause':
      return pauseRows(state);
    case 'resume':
      return resumeRows(state);
    case 'filter':
      return keepRows(state, (row) => matchesTailFilter(row, action.filter));
  }
}

/** Batches that may arrive before tail.start's answer names the tail they belong to. */
const maxEarlyBatches = 64;

/**
 * The live tail of one environment while the screen is shown: `start` opens it (tail.start), the
 * pushed `tail.batch` events of that tail fill the rows, `stop` closes it (tail.stop), and so does
 * leaving the screen or choosing another environment. Nothing is polled; a batch pushed while the
 * event stream was down is lost, as the live view of a stream can afford. The owner keys this by
 * environment, so another environment starts from nothing.
 */
export function useLiveTail(environment: string) {
  const [rows, dispatch] = useReducer(reduce, emptyTailRows);
  const [status, setStatus] = useState<TailStatus>({ phase: 'stopped' });
  // Which tail the pushed batches must belong to; a new start or a stop bumps the generation,
  // so an answer that arrives after either is known to be stale.
  const tailId = useRef<string | null>(null);
  const generation = useRef(0);
  const early = useRef<TailBatch[]>([]);
  const starting = useRef(false);

  const take = useCallback((batch: TailBatch) => {
    dispatch({ type: 'batch', batch });
    if (batch.status === 'live') return;
    tailId.current = null;
    setStatus(
      batch.status === 'failed'
        ? { phase: 'failed', error: { code: 'RUNTIME_UNREACHABLE', message: batch.message ?? 'The tail broke.' } }
        : { phase: 'ended', ...(batch.message ? { message: batch.message } : {}) },
    );
  }, []);

  useEffect(
    () =>
      studio.listen('tail.batch', (batch) => {
        if (tailId.current === null) {
          if (starting.current && early.current.length < maxEarlyBatches) early.current.push(batch);
          return;
        }
        if (batch.tailId === tailId.current) take(batch);
      }),
    [take],
  );

  const stop = useCallback(() => {
    generation.current += 1;
    starting.current = false;
    early.current = [];
    const id = tailId.current;
    tailId.current = null;
    setStatus((current) => (current.phase === 'live' || current.phase === 'starting' ? { phase: 'stopped' } : current));
    if (id !== null) void studio.tail.stop({ tailId: id });
  }, []);

  const start = useCallback(
    async (filter: TailFilter) => {
      stop();
      const mine = generation.current;
      // What is shown stays, narrowed to the new filter; new rows come from the runtime's filter.
      dispatch({ type: 'filter', filter });
      setStatus({ phase: 'starting' });
      starting.current = true;
      const answer = await studio.tail.start({ environment, filter });
      if (generation.current !== mine) {
        // Stopped (or started again) while this start was on its way: this tail is nobody's.
        if (answer.ok) void studio.tail.stop({ tailId: answer.value.tailId });
        return;
      }
      starting.current = false;
      if (!answer.ok) return setStatus({ phase: 'failed', error: answer.error });
      const id = answer.value.tailId;
      tailId.current = id;
      setStatus({ phase: 'live', tailId: id });
      const arrived = early.current.filter((batch) => batch.tailId === id);
      early.current = [];
      for (const batch of arrived) take(batch);
    },
    [environment, stop, take],
  );

  // Leaving the screen closes the tail.
  useEffect(() => stop, [stop]);

  return {
    rows,
    status,
    start,
    stop,
    pause: () => dispatch({ type: 'pause' }),
    resume: () => dispatch({ type: 'resume' }),
  };
}
