// `npm run start:web` / `npm start` without Electron: serves the studio on loopback and prints
// the address to open. Options: --port N (default: a free port), --host H (default 127.0.0.1;
// anything else is exposed to the network and says so), --data DIR (the workspace folder).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createHandlers } from '../handlers';
import { createRouter } from '../router';
import { startWebHost } from './server';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
      renderer: { type: 'string', default: path.join(packageRoot, 'out', 'renderer') },
    },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`pipeline-studio web: --port must be a number from 0 to 65535, got ${values.port}\n`);
    process.exit(2);
  }
  if (!existsSync(path.join(values.renderer, 'index.html'))) {
    process.stderr.write(`pipeline-studio web: no built renderer in ${values.renderer}; run \`npm run build\`\n`);
    process.exit(2);
  }
  const loopback = ['127.0.0.1', '::1', 'localhost'].includes(values.host);
  if (!loopback) {
    process.stderr.write(`warning: serving on ${values.host}: other machines on that network can reach the studio\n`);
  }
  // The workspace in --data (default: the desktop app's folder) opens on the first call that needs it.
  const core = createHandlers({ host: 'web', ...(values.data === undefined ? {} : { dataDir: values.data }) });
  const router = createRouter(core.handlers, {
    onInternalError: (channel, error) => {
      process.stderr.write(`[${channel}] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    },
  });
  const host = await startWebHost({
    router,
    rendererDir: values.renderer,
    host: values.host === 'localhost' ? '127.0.0.1' : values.host,
    port,
    events: core.events,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`Pipeline Studio (web mode) is ready: ${host.url}\n`);
  const stop = () => {
    // The engine's workers and the workspace file are closed before the process goes.
    void host
      .close()
      .then(() => core.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`pipeline-studio web: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
