// The engine's build (dist/node/engine.mjs) exports only the pool and the sandbox. Planning,
// hashing, bundle validation and the replay runner live in TypeScript that the build does not
// expose, and there is no TS runner, so they are bundled here with esbuild (importTypeScript,
// which store.bench.mjs uses for the store too).
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const entry = `
export { planHook, runPipeline, validateBundle } from './shared/engine/index.ts';
export { bundleHash, scriptHash } from './shared/engine/node/bundle-files.ts';
export { replayEvents } from './core/replay/replay-runner.ts';
export { defaultLimits, maxTimeoutMs } from './shared/engine/limits.ts';
`;

/**
 * @returns {Promise<{
 *   planHook: Function, runPipeline: Function, validateBundle: Function, bundleHash: Function, scriptHash: Function,
 *   replayEvents: Function, defaultLimits: Record<string, number>, maxTimeoutMs: number }>}
 */
export async function loadEngineInternals() {
  return importTypeScript({ source: entry, name: 'engine-internals' });
}

/**
 * Bundles TypeScript (a file, or module text importing from the repository) with esbuild and
 * imports it: dependencies stay external, the output goes under node_modules/.cache so that
 * packages resolve, one file per process so that benches never race on it.
 * @param {{ file?: string, source?: string, name: string }} what
 */
export async function importTypeScript({ file, source, name }) {
  const cacheDir = path.join(root, 'node_modules', '.cache', 'pipeline-studio-bench');
  mkdirSync(cacheDir, { recursive: true });
  const outfile = path.join(cacheDir, `${name}-${process.pid}.mjs`);
  await build({
    ...(source
      ? { stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: `${name}.ts` } }
      : { entryPoints: [file] }),
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    // Once imported the module lives in memory; the file is not needed any more.
    rmSync(outfile, { force: true });
  }
}

/** The built engine (pool and sandbox); its worker is found beside it. Fails with a hint when not built. */
export async function loadEngine() {
  const file = path.join(root, 'dist', 'node', 'engine.mjs');
  try {
    return await import(pathToFileURL(file).href);
  } catch (error) {
    throw new Error(`cannot load ${file} (${error.message}); run \`node scripts/build-node.mjs\` or \`npm run bench\``);
  }
}
