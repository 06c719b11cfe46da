import { describe, expect, it } from 'vitest';
import type { Result } from '@shared/contract';
import { followJob } from './follow-job';

interface Job {
  id: string;
  status: 'running' | 'done';
  step: number;
}

/** A job's event stream and state the test drives by hand, and what the follower did. */
function harness() {
  let pushState: ((state: Job) => void) | null = null;
  let open: (() => void) | null = null;
  const reads: ((answer: Result<Job>) => void)[] = [];
  const seen: string[] = [];
  let listening = 0;
  const stop = followJob<Job>({
    listen(listener, onOpen) {
      pushState = listener;
      open = onOpen;
      listening += 1;
      return () => (listening -= 1);
    },
    isMine: (state) => state.id === 'a',
    read: () => new Promise((resolve) => reads.push(resolve)),
    isRunning: (state) => state.status === 'running',
    onState: (state) => seen.push(`${state.status} ${state.step}`),
    onError: (error) => seen.push(`error ${error.code}`),
    onEnded: (state) => seen.push(`ended ${state.step}`),
  });
  return {
    stop,
    seen,
    reads,
    get listening() {
      return listening;
    },
    push: (state: Job) => pushState!(state),
    open: () => open!(),
  };
}

const answered = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('followJob', () => {
  it('reads once on open, then follows only its own pushed states, and ends once', async () => {
    const job = harness();
    expect(job.reads).toHaveLength(0); // nothing before the stream is connected
    job.open();
    expect(job.reads).toHaveLength(1);
    job.reads[0]!({ ok: true, value: { id: 'a', status: 'running', step: 1 } });
    await answered();
    job.push({ id: 'b', status: 'running', step: 9 });
    job.push({ id: 'a', status: 'running', step: 2 });
    job.push({ id: 'a', status: 'done', step: 3 });
    job.push({ id: 'a', status: 'done', step: 3 });
    expect(job.seen).toEqual(['running 1', 'running 2', 'done 3', 'ended 3']);
    expect(job.reads).toHaveLength(1);
  });

  it('reads again on every reconnect and ends from a read when the last event was missed', async () => {
    const job = harness();
    job.open();
    job.reads[0]!({ ok: true, value: { id: 'a', status: 'running', step: 1 } });
    await answered();
    job.open(); // the stream dropped and came back: the job ended meanwhile
    job.reads[1]!({ ok: true, value: { id: 'a', status: 'done', step: 4 } });
    await answered();
    expect(job.seen).toEqual(['running 1', 'done 4', 'ended 4']);
  });

  it('keeps a pushed state over an older read answered after it', async () => {
    const job = harness();
    job.open();
    job.push({ id: 'a', status: 'running', step: 5 });
    job.reads[0]!({ ok: true, value: { id: 'a', status: 'running', step: 4 } });
    await answered();
    expect(job.seen).toEqual(['running 5']);
  });

  it('reports a failed read and stays subscribed', async () => {
    const job = harness();
    job.open();
    job.reads[0]!({ ok: false, error: { code: 'NOT_FOUND', message: 'no such run' } });
    await answered();
    job.push({ id: 'a', status: 'done', step: 1 });
    expect(job.seen).toEqual(['error NOT_FOUND', 'done 1', 'ended 1']);
  });

  it('does nothing once stopped, and unsubscribes', async () => {
    const job = harness();
    job.open();
    job.stop();
    expect(job.listening).toBe(0);
    job.reads[0]!({ ok: true, value: { id: 'a', status: 'done', step: 1 } });
    await answered();
    job.push({ id: 'a', status: 'done', step: 2 });
    expect(job.seen).toEqual([]);
  });
});
