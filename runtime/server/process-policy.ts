// A server in the sign-up path must outlive a bug in a background task: a promise that rejects with
// nobody listening (a capture write, a storage notification, a library's timer) is logged with its
// stack and the process keeps answering, instead of Node's default of ending it. Uncaught exceptions
// keep Node's default (the process ends): after a synchronous throw the state is unknown.

/** Installs the policy on this process; returns a function that removes it. */
export function keepServingOnUnhandledRejections(log: (message: string) => void): () => void {
  const onRejection = (reason: unknown) => {
    const detail = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    log(`unhandled rejection in a background task (the server keeps serving): ${detail}`);
  };
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('unhandledRejection', onRejection);
  };
}
