import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startUntilReady } from './child-process';

export interface StudioProcess {
  url: string;
  origin: string;
  port: number;
  token: string;
  dataDir: string;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts the studio in web mode as `npm run start:web` does, with a fresh data folder, inside
 * scripts/with-keyring.sh so that secrets go to a real (throwaway) OS keychain; with
 * `keychain: 'none'`, on a machine without one instead: the Secret Service's D-Bus address names a
 * socket nothing listens on.
 */
export async function startStudio(options: { keychain?: 'real' | 'none' } = {}): Promise<StudioProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-e2e-'));
  const web = [process.execPath, path.join(root, 'dist/node/web.mjs'), '--data', dataDir];
  const noKeychain = options.keychain === 'none';
  // Its own process group: stopping it also stops the keyring daemon and the bus behind the wrapper.
  const studio = await startUntilReady(
    noKeychain ? web[0]! : path.join(root, 'scripts/with-keyring.sh'),
    noKeychain ? web.slice(1) : web,
    /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/,
    {
      what: 'studio',
      detached: true,
      ...(noKeychain
        ? { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(dataDir, 'no-bus')}` } }
        : {}),
    },
  );
  const url = studio.ready;
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    stop: async () => {
      await studio.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
