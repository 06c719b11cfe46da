// The studio in web mode for the benches that drive it in Chromium (studio-startup, replay-ui).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Debian's Chromium as the e2e tests run it (playwright.config.ts). */
export const chromiumOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

/**
 * Starts dist/node/web.mjs on `dataDir` and resolves with the URL it prints. With `keyring`, inside
 * scripts/with-keyring.sh (a private keychain, as replays that read secrets need), in a process
 * group of its own so that stop() ends the keyring daemon too.
 * @param {{ dataDir: string, keyring?: boolean }} options
 */
export async function startWebHost({ dataDir, keyring = false }) {
  const web = [path.join(root, 'dist/node/web.mjs'), '--data', dataDir];
  const child = keyring
    ? spawn(path.join(root, 'scripts/with-keyring.sh'), [process.execPath, ...web], {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      })
    : spawn(process.execPath, web, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`web host exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (keyring) process.kill(-child.pid, 'SIGTERM');
      else child.kill('SIGTERM');
      await exited;
    },
  };
}
