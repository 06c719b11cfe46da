import type { CommandIo } from './command';
import { keepServingOnUnhandledRejections } from './process-policy';

/** The command's I/O on this process: stdout, stderr, the environment, SIGINT/SIGTERM. */
export function processIo(): CommandIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    keepServing: keepServingOnUnhandledRejections,
    stopSignal: () =>
      new Promise((resolve) => {
        const stop = (signal: string) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(signal);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }),
  };
}
