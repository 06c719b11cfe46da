import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

// Test support for the workspace commands' tests: the real CLI in a child process, as a user runs
// it, against fresh temporary folders. The child gets its own XDG_CONFIG_HOME so that a test that
// forgets --data could never reach the desktop app's real workspace.

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const bin = path.join(root, 'bin', 'pipeline-studio.mjs');
export const exampleBundle = path.join(root, 'examples', 'acme-auth');
export const exampleEvents = path.join(root, 'examples', 'acme-events.ndjson');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Written to the child's stdin (then closed); without it stdin is empty. */
  input?: string;
  env?: Record<string, string>;
}

export function useCliSandbox(prefix: string) {
  const base = mkdtempSync(path.join(os.tmpdir(), prefix));
  const configHome = path.join(base, 'xdg-config');
  let counter = 0;
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  return {
    base,
    /** A new, not yet existing, path under the sandbox. */
    path(name = 'dir'): string {
      counter += 1;
      return path.join(base, `${name}-${counter}`);
    },
    cli(args: string[], options: CliOptions = {}): CliResult {
      const result = spawnSync('node', [bin, ...args], {
        cwd: base,
        encoding: 'utf8',
        timeout: 60_000,
        input: options.input ?? '',
        env: { ...process.env, XDG_CONFIG_HOME: configHome, ...options.env },
      });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

/** The one JSON document a command printed on stdout. */
export function json<T = Record<string, unknown>>(result: CliResult): T {
  return JSON.parse(result.stdout) as T;
}

/**
 * Makes `dir` unwritable even for root (which ignores permission bits): chmod for a normal user,
 * the immutable attribute for root. Returns the undo, or undefined when neither is possible here.
 */
export function makeReadOnly(dir: string): (() => void) | undefined {
  if (process.platform === 'win32') return undefined;
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o500);
    return () => chmodSync(dir, 0o700);
  }
  const set = spawnSync('chattr', ['+i', dir]);
  if (set.status !== 0) return undefined;
  return () => void spawnSync('chattr', ['-i', dir]);
}

/** A tiny tmpfs at `dir` (root on Linux only), to fill the disk for real; undefined elsewhere. */
export function mountTinyDisk(dir: string, kilobytes: number): (() => void) | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kilobytes}k`, 'tmpfs', dir]);
  if (mounted.status !== 0) return undefined;
  return () => void spawnSync('umount', [dir]);
}
