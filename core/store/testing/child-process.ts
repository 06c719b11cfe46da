import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// Real second processes for the reliability tests (busy locks, SIGKILL mid-transaction, another
// user, no D-Bus). Their entry points are TypeScript, and no TS runner is installed, so each is
// bundled with esbuild into node_modules/.cache (inside the repository, so that `better-sqlite3`
// and `@napi-rs/keyring` resolve from there; readable by other users for the uid tests).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'pipeline-studio-tests');

export async function buildChildScript(entry: string): Promise<string> {
  mkdirSync(cacheDir, { recursive: true, mode: 0o755 });
  chmodSync(cacheDir, 0o755);
  const outfile = path.join(cacheDir, `${path.basename(entry, '.ts')}-${process.pid}-${randomUUID().slice(0, 8)}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o644);
  return outfile;
}

export function removeChildScript(file: string): void {
  rmSync(file, { force: true });
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running child whose stdout is read line by line. */
export class ChildHandle {
  readonly lines: string[] = [];
  readonly exited: Promise<ChildExit>;
  private stdout = '';
  private stderr = '';
  private waiters: (() => void)[] = [];

  constructor(readonly process: ChildProcess) {
    process.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      const parts = this.stdout.split('\n');
      const complete = parts.slice(0, -1);
      this.lines.push(...complete.slice(this.lines.length));
      for (const wake of this.waiters.splice(0)) wake();
    });
    process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      process.on('close', (code, signal) => {
        for (const wake of this.waiters.splice(0)) wake();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Resolves with the first line matching `test`; rejects after `timeoutMs` or when the child ends without it. */
  async waitForLine(test: (line: string) => boolean, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(test);
      if (found !== undefined) return found;
      if (this.process.exitCode !== null || this.process.signalCode !== null || Date.now() > deadline) {
        throw new Error(`child did not print the expected line; stdout: ${this.stdout}\nstderr: ${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export function startChild(
  script: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; uid?: number; gid?: number; command?: string[] } = {},
): ChildHandle {
  const command = options.command ?? [];
  const [file, ...rest] =
    command.length > 0 ? [...command, process.execPath, script, ...args] : [process.execPath, script, ...args];
  const child = spawn(file as string, rest, {
    cwd: root,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
  });
  return new ChildHandle(child);
}

/** Runs a child to its end and parses its last stdout line as JSON. */
export async function runChildForJson<T>(
  script: string,
  args: string[],
  options: Parameters<typeof startChild>[2] = {},
): Promise<T> {
  const result = await startChild(script, args, options).exited;
  const last = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`child printed no JSON (exit ${result.code}); stdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}
