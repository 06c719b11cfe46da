import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach } from 'vitest';

// A real reference runtime for the publish tests: `node dist/node/runtime.mjs --port 0 --data DIR`
// as a child process on loopback, with tokens made by its own `token create` command. Build it
// first: `node scripts/build-node.mjs`. Stopped (SIGTERM) and its folder removed after each test.

const root = fileURLToPath(new URL('../../..', import.meta.url));
export const runtimeEntry = path.join(root, 'dist', 'node', 'runtime.mjs');
const key = Buffer.alloc(32, 9).toString('base64');
const run = promisify(execFile);

export interface TestRuntime {
  url: string;
  dir: string;
  child: ChildProcess;
  /** The tokens asked for, by name, made with `runtime token create` before the server started. */
  tokens: Record<string, string>;
  /** A request straight to the runtime (not through the studio). */
  api(
    method: string,
    pathname: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; json: Record<string, unknown>; text: string }>;
}

export function useTestRuntime(): (tokenScopes?: Record<string, string[]>) => Promise<TestRuntime> {
  const started: { child: ChildProcess; dir: string; exited: Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const { child, dir, exited } of started.splice(0)) {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
  // Tokens are made before the server starts: a running server caches token records for 5 s.
  return async (tokenScopes: Record<string, string[]> = {}) => {
    if (!existsSync(runtimeEntry)) throw new Error(`${runtimeEntry} is missing: run node scripts/build-node.mjs first`);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'publish-runtime-'));
    const config = path.join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({ workers: 1, source: 'runtime-under-test', capture: { flushIntervalMs: 20 } }),
    );
    const env = { ...process.env, PIPELINE_RUNTIME_KEY: key };
    const tokens: Record<string, string> = {};
    for (const [name, scopes] of Object.entries(tokenScopes)) {
      const { stdout } = await run(
        process.execPath,
        [runtimeEntry, 'token', 'create', '--scopes', scopes.join(','), '--name', name, '--data', dir],
        { env },
      );
      tokens[name] = (JSON.parse(stdout) as { token: string }).token;
    }
    const child = spawn(process.execPath, [runtimeEntry, '--port', '0', '--data', dir, '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    started.push({ child, dir, exited });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const url = await new Promise<string>((resolve, reject) => {
      lines.once('line', (line) => resolve((JSON.parse(line) as { listening: string }).listening));
      void exited.then((code) => reject(new Error(`the runtime exited (${String(code)}): ${stderr}`)));
    });
    return {
      url,
      dir,
      child,
      tokens,
      async api(method, pathname, options = {}) {
        const headers: Record<string, string> = { ...options.headers };
        if (options.token) headers.authorization = `Bearer ${options.token}`;
        if (options.body !== undefined) headers['content-type'] = 'application/json';
        const response = await fetch(`${url}${pathname}`, {
          method,
          headers,
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        });
        const text = await response.text();
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // NDJSON or empty
        }
        return { status: response.status, json, text };
      },
    };
  };
}
