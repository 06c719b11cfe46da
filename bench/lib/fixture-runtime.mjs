// The reference runtime the load benches measure, set up the same way for each: a fresh data
// folder and key, one token made with the runtime's own `token create`, the server on a loopback
// port (bench/lib/runtime-load.mjs), the client's keep-alive load, and the fixture pipeline
// (bench/lib/pipeline-fixture.mjs) published as the active bundle. Nothing here is timed.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log } from './measure.mjs';
import { bundle } from './pipeline-fixture.mjs';
import { createLoad, runtimeCommand, runtimeEntry, startRuntimeProcess } from './runtime-load.mjs';

/**
 * Exits with 2 when the runtime is not built. `close()` ends the load and the server and removes
 * the folder; a setup that fails closes what it had started before throwing.
 * @param {{ name: string, scopes: string[], clients: number }} options `name` prefixes the data folder
 */
export async function startFixtureRuntime({ name, scopes, clients }) {
  if (!existsSync(runtimeEntry)) {
    log(`bench: ${runtimeEntry} is missing: run \`node scripts/build-node.mjs\` or \`npm run bench\``);
    process.exit(2);
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const env = { ...process.env, PIPELINE_RUNTIME_KEY: randomBytes(32).toString('base64') };
  let server;
  let load;
  const close = async () => {
    load?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const { token } = await runtimeCommand(
      ['token', 'create', '--scopes', scopes.join(','), '--name', 'bench', '--data', dataDir],
      env,
    );
    server = await startRuntimeProcess(['--data', dataDir], env);
    load = createLoad({ url: server.url, token, clients });
    const published = await load.request(
      'PUT',
      '/v1/bundle',
      { bundle: bundle(), message: 'bench' },
      { 'if-match': '*' },
    );
    if (published.status !== 201) throw new Error(`publish failed: ${published.status} ${published.text}`);
    return { url: server.url, token, load, activeHash: JSON.parse(published.text).hash, close };
  } catch (error) {
    await close();
    throw error;
  }
}
