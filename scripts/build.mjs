// `npm run build`: the desktop app and renderer (electron-vite → out/), the Node entry points
// (esbuild → dist/node/) and the package's type declarations (dist/types/, build-types.mjs). With
// --if-needed (used by `npm start`, the CLI and the tests) it builds only when a source is newer
// than the last build, and leaves the declarations out.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNode } from './build-node.mjs';
import { buildTypes } from './build-types.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'out', '.build-stamp');
const sourceDirs = ['electron', 'renderer', 'shared', 'core', 'cli', 'runtime', 'integrations', 'resources'];
const sourceFiles = ['package.json', 'package-lock.json', 'electron.vite.config.ts', 'scripts/build-node.mjs'];

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

export function buildIsCurrent() {
  if (!existsSync(stamp) || !existsSync(path.join(root, 'dist', 'node', 'web.mjs'))) return false;
  const built = statSync(stamp).mtimeMs;
  const inputs = [...sourceDirs, ...sourceFiles].map((entry) => newestMtime(path.join(root, entry)));
  return Math.max(...inputs) <= built;
}

export async function buildAll({ quiet = false } = {}) {
  const { build } = await import('electron-vite');
  await build({ root, configFile: path.join(root, 'electron.vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
  await buildNode();
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

export async function buildIfNeeded({ quiet = true } = {}) {
  if (buildIsCurrent()) return false;
  if (!quiet) process.stderr.write('Building the studio…\n');
  await buildAll({ quiet });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-needed')) await buildIfNeeded({ quiet: false });
  else {
    await buildAll();
    buildTypes();
  }
}
