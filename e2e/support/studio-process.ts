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
 * scripts/with-keyring.sh so that secrets go to a real (throwaway) OS keychain.
 */
export async function startStudio(): Promise<StudioProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-e2e-'));
  // Its own process group: stopping it also stops the keyring daemon and the bus behind the wrapper.
  const studio = await startUntilReady(
    path.join(root, 'scripts/with-keyring.sh'),
    [process.execPath, path.join(root, 'dist/node/web.mjs'), '--data', dataDir],
    /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/,
    { what: 'studio', detached: true },
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
