import type { Result } from '@shared/contract';

// How the page follows a long job (a replay, a publish): it reads the job's state once each time
// the event stream (re)connects, and otherwise takes the state from the events the core pushes.
// No polling: while nothing changes, nothing is sent (docs/architecture.md, "Pushed events").

export interface FollowJob<T> {
  /** Subscribes to the job's pushed event (all jobs of its kind); `onOpen` as client.listen's. */
  listen(listener: (state: T) => void, onOpen: () => void): () => void;
  /** Whether a pushed state is this job's. */
  isMine(state: T): boolean;
  /** Reads the job's state once. */
  read(): Promise<Result<T>>;
  isRunning(state: T): boolean;
  onState(state: T): void;
  onError(error: { code: string; message: string }): void;
  /** Called once, with the first state that is no longer running. */
  onEnded(state: T): void;
}

/** Starts following; returns the function that stops (the view unmounted). */
export function followJob<T>(job: FollowJob<T>): () => void {
  let stopped = false;
  let ended = false;
  // Counts this job's pushed states: a read answered after one of them may be older than it.
  let pushed = 0;

  const take = (state: T) => {
    if (stopped || ended) return;
    job.onState(state);
    if (!job.isRunning(state)) {
      ended = true;
      job.onEnded(state);
    }
  };

  const read = async () => {
    const before = pushed;
    const answer = await job.read();
    if (stopped || ended) return;
    if (!answer.ok) return job.onError(answer.error);
    // A pushed state that arrived while the read was on its way is at least as new as the answer,
    // unless the answer says the job has ended (its last event may have been missed).
    if (pushed !== before && job.isRunning(answer.value)) return;
    take(answer.value);
  };

  const stop = job.listen(
    (state) => {
      if (!job.isMine(state)) return;
      pushed += 1;
      take(state);
    },
    () => void read(),
  );
  return () => {
    stopped = true;
    stop();
  };
}
