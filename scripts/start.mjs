// `npm start`: builds if needed, then opens the desktop app. Where the Electron binary is not
// installed (it cannot be downloaded on every machine), it says so in one line and serves the same
// studio in web mode on 127.0.0.1 instead. `npm run start:web` (--web) goes to web mode directly.
// Other arguments (--port N, --host H, --data DIR) are passed to web mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const webOnly = args.includes('--web');
const passThrough = args.filter((arg) => arg !== '--web');

/**
 * The Electron binary's path, or null when none is installed. Read from the electron package's
 * path.txt instead of require('electron'), which would try to download the binary on the spot.
 */
function electronBinary() {
  const packageDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist');
  const binary = path.join(distDir, readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function hasDisplay() {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/**
 * npm 11 does not run electron's install script (package.json allowScripts denies it, so that
 * `npm install` cannot fail where the binary cannot be downloaded). Where there is a display to
 * open the app on, fetch the binary once, now.
 */
function tryInstallElectron() {
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return false;
  process.stderr.write('Fetching the Electron binary (once)…\n');
  const result = spawnSync(process.execPath, [installer], { stdio: 'inherit', timeout: 180_000 });
  return result.status === 0 && electronBinary() !== null;
}

/** Why the desktop app cannot open here, or null when it can. */
function desktopUnavailable() {
  if (!hasDisplay()) return 'No display to open the desktop app on';
  if (!electronBinary() && !tryInstallElectron())
    return 'Electron is not available on this machine (no binary installed)';
  return null;
}

await buildIfNeeded({ quiet: false });

const unavailable = webOnly ? 'web mode asked for' : desktopUnavailable();
if (!unavailable) {
  const child = spawn(electronBinary(), [root, ...passThrough], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!webOnly) process.stderr.write(`${unavailable}: starting the studio in web mode instead.\n`);
  process.argv = [process.argv[0], path.join(root, 'dist/node/web.mjs'), ...passThrough];
  await import(path.join(root, 'dist/node/web.mjs'));
}
