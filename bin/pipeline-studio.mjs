#!/usr/bin/env node
// The CLI's entry: runs the bundled CLI in dist/node, bundling it first when a source changed
// (esbuild, well under a second) so that `node bin/pipeline-studio.mjs …` always runs current code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundled = path.join(root, 'dist', 'node', 'cli.mjs');

function newestSource(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return entry.endsWith('.ts') ? stat.mtimeMs : 0;
  let newest = 0;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestSource(path.join(entry, child)));
  return newest;
}

const stale =
  !existsSync(bundled) ||
  (existsSync(path.join(root, 'scripts', 'build-node.mjs')) &&
    Math.max(...['cli', 'shared', 'core', 'runtime'].map((dir) => newestSource(path.join(root, dir)))) >
      statSync(bundled).mtimeMs);
if (stale) {
  const { buildNode } = await import(pathToFileURL(path.join(root, 'scripts', 'build-node.mjs')).href);
  await buildNode();
}
await import(pathToFileURL(bundled).href);
