import { spawn, type ChildProcess } from 'node:child_process';

export interface StartedProcess {
  /** The first capture group of `ready` in the process's stdout (its address, its start line). */
  ready: string;
  /** SIGTERM (to the whole process group when started `detached`), then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts a server the specs need (the studio, a runtime, the example auth host) and waits until
 * its stdout matches `ready`; rejects with its stderr if it exits first.
 */
export async function startUntilReady(
  command: string,
  args: string[],
  ready: RegExp,
  options: { what: string; detached?: boolean; env?: NodeJS.ProcessEnv },
): Promise<StartedProcess> {
  const child: ChildProcess = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached,
    ...(options.env ? { env: options.env } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const match = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = ready.exec(stdout);
      if (found?.[1]) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`${options.what} exited with ${code}: ${stderr}`)));
  });
  return {
    ready: match,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (options.detached && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      else child.kill('SIGTERM');
      await exited;
    },
  };
}
