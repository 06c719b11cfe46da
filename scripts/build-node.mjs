// Bundles the Node-side entry points (CLI, local web host, engine workers, runtime) into dist/node.
// Dependencies stay external: they are installed, and wasmoon and friends load their own files.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Entry points; a missing one is skipped so that features can add theirs as they land. */
export const nodeEntries = {
  cli: 'cli/main.ts',
  web: 'core/web/main.ts',
  'engine-worker': 'shared/engine/node/worker.ts',
  // The engine's public Node API, for benchmarks and embedders.
  engine: 'shared/engine/node/index.ts',
  // The reference runtime on its own: `node dist/node/runtime.mjs` takes `pipeline-studio runtime`'s arguments.
  runtime: 'runtime/main.ts',
  // The runtime's capture writer thread (runtime.db writes off the event loop); found beside runtime.mjs.
  'runtime-capture-worker': 'runtime/storage/sqlite/capture-worker.ts',
  // The runtime's capture preparation thread (masking, redaction, serialisation off the event loop).
  'runtime-capture-prep-worker': 'runtime/capture/capture-prep-worker.ts',
  // The runtime library (createRuntime, createRuntimeServer…) for hosts in plain JS, e.g. the
  // better-auth example host; it finds engine-worker.mjs and the capture worker beside it.
  'runtime-lib': 'runtime/index.ts',
  // The better-auth plugin (integrations/better-auth, docs/better-auth.md).
  'better-auth': 'integrations/better-auth/index.ts',
};

export async function buildNode() {
  const entryPoints = Object.fromEntries(
    Object.entries(nodeEntries)
      .map(([name, file]) => [name, path.join(root, file)])
      .filter(([, file]) => existsSync(file)),
  );
  await build({
    entryPoints,
    outdir: path.join(root, 'dist/node'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildNode();
}
