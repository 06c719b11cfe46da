import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startUntilReady } from './child-process';

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
  const host = await startUntilReady(
    process.execPath,
    [hostEntry, '--data', dataDir, '--port', '0', '--runtime-port', '0'],
    /^(\{.*\})\n/m,
    { what: 'the example host' },
  );
  const ready = JSON.parse(host.ready) as { app: string; runtime: string; tokenFile: string };
  return {
    app: ready.app,
    runtime: ready.runtime,
    token: readFileSync(ready.tokenFile, 'utf8').trim(),
    stop: async () => {
      await host.stop();
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
