import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hostEntry = path.join(root, 'examples', 'better-auth-host', 'server.mjs');

export interface HostApp {
  /** better-auth's app (its API under /api/auth). */
  app: string;
  /** The embedded runtime's HTTP API, for the studio. */
  runtime: string;
  /** The studio's runtime token (publish, events:read, secrets:write) the host created. */
  token: string;
  stop(): Promise<void>;
}

/** The better-auth example host (examples/better-auth-host) on free loopback ports, fresh data. */
export async function startHostApp(): Promise<HostApp> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'host-app-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [hostEntry, '--data', dataDir, '--port', '0', '--runtime-port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const ready = await new Promise<{ app: string; runtime: string; tokenFile: string }>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`the example host exited (${code}) before listening: ${stderr}`)));
  });
  return {
    app: ready.app,
    runtime: ready.runtime,
    token: readFileSync(ready.tokenFile, 'utf8').trim(),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A better-auth endpoint called as a browser would (JSON body, the app's own origin). */
export async function authCall(
  host: HostApp,
  endpoint: string,
  body: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${host.app}/api/auth/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: host.app },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
