import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { Bundle } from '../../shared/engine';
import type { WorkerFetchOptions } from '../../shared/engine/node';
import { readBundleFolder } from '../../shared/engine/node/bundle-files';
import { useTempDirs as useTempDirsWithPrefix } from '../../shared/engine/node/testing/temp-dirs';
import { createToken } from '../auth/tokens';
import type { RuntimeConfigInput } from '../config';
import { createRuntime, type Runtime } from '../runtime';
import { createRuntimeServer, type RuntimeServerOptions } from '../server/runtime-server';
import { tokenScopes, type TokenScope } from '../storage/types';

// Test support: temporary data folders, the example bundle, a runtime served over real HTTP on a
// free loopback port (in this process, or as a child process running dist/node/runtime.mjs), and
// a small JSON client.

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const runtimeEntry = path.join(root, 'dist', 'node', 'runtime.mjs');
/** A fixed key, so that tests do not write key files unless they mean to. */
export const testKey = Buffer.alloc(32, 7);

export const useTempDirs = (prefix = 'runtime-test-'): (() => string) => useTempDirsWithPrefix(prefix);

export async function exampleBundle(): Promise<Bundle> {
  const read = await readBundleFolder(path.join(root, 'examples', 'acme-auth'));
  if (!read.ok) throw new Error(read.error.message);
  return read.bundle;
}

export function bundleOf(
  scripts: Record<string, string | { source: string; onError?: 'allow' | 'deny'; timeoutMs?: number }>,
  hooks: Bundle['hooks'],
  extra: Partial<Bundle> = {},
): Bundle {
  return {
    format: 'pipeline-studio/bundle@1',
    name: 'test',
    scripts: Object.fromEntries(
      Object.entries(scripts).map(([id, script]) => [
        id,
        typeof script === 'string'
          ? { file: `scripts/${id}.lua`, source: script }
          : { file: `scripts/${id}.lua`, ...script },
      ]),
    ),
    hooks,
    env: {},
    secrets: [],
    ...extra,
  };
}

export const signupEvent = (email: string, ip = '203.0.113.7') => ({
  request: { ip },
  user: { email },
  provider: 'email',
});

export interface Served {
  runtime: Runtime;
  url: string;
  /** A token with every scope. */
  token: string;
  tokenWith(scopes: TokenScope[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * A runtime and its HTTP server in this process, on a free loopback port; closed after the test.
 * `fetch` is the runtime's helpers.fetch option, e.g. a test server's CA and loopback address.
 */
export function useServedRuntime() {
  const opened: Served[] = [];
  afterEach(async () => {
    for (const served of opened.splice(0)) await served.close();
  });
  return async (
    dataDir: string,
    options: {
      config?: RuntimeConfigInput;
      server?: RuntimeServerOptions;
      host?: string;
      fetch?: WorkerFetchOptions | false;
    } = {},
  ): Promise<Served> => {
    const runtime = await createRuntime({
      dataDir,
      secretsKey: testKey,
      config: { workers: 1, ...options.config },
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
      log: () => {},
    });
    const server = createRuntimeServer(runtime, { log: () => {}, ...options.server });
    const url = await server.listen(0, options.host ?? '127.0.0.1');
    const tokenWith = async (scopes: TokenScope[]) =>
      (await createToken(runtime.storage, { scopes, name: 'test' })).token;
    let closed = false;
    const served: Served = {
      runtime,
      url,
      token: await tokenWith([...tokenScopes]),
      tokenWith,
      async close() {
        if (closed) return;
        closed = true;
        await server.close();
        await runtime.close();
      },
    };
    opened.push(served);
    return served;
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> & { error?: { code: string; message: string; [key: string]: unknown } };
}

/** One request; `body` objects are sent as JSON. */
export async function api(
  url: string,
  method: string,
  pathname: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${pathname}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let json: ApiResponse['json'] = {};
  try {
    json = text ? (JSON.parse(text) as ApiResponse['json']) : {};
  } catch {
    // NDJSON or empty
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** PUT /v1/bundle with the right If-Match for whatever is active now. */
export async function publish(served: Pick<Served, 'url' | 'token'>, bundle: unknown, message = 'test') {
  const health = await api(served.url, 'GET', '/v1/health');
  const active = health.json.activeHash as string | null;
  return api(served.url, 'PUT', '/v1/bundle', {
    token: served.token,
    headers: { 'if-match': active ? `"${active}"` : '*' },
    body: { bundle, message },
  });
}

export interface RuntimeProcess {
  child: ChildProcess;
  url: string;
  stderr(): string;
  /** Waits for the process to exit (after a signal). */
  exited: Promise<number | null>;
}

/** `node dist/node/runtime.mjs --port 0 --data DIR …` as a child process, once it listens. */
export async function spawnRuntime(
  dataDir: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<RuntimeProcess> {
  const child = spawn(process.execPath, [runtimeEntry, '--port', '0', '--data', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PIPELINE_RUNTIME_KEY: testKey.toString('base64'), ...env },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', (line) => resolve((JSON.parse(line) as { listening: string }).listening));
    void exited.then((code) => reject(new Error(`the runtime exited (${code}) before listening: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr, exited };
}
