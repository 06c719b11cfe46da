// The studio's core in an Electron utilityProcess: the router and every service behind it (the
// SQLite store, whose calls are synchronous, the keychain, the engine pool, replays). Each window
// talks to it over a MessagePort the main process handed to both (electron/port-protocol.ts), so
// a slow query or a long replay never stalls the window's or the main process's event loop. Plain
// Node otherwise: the same router runs in the web host and the CLI.
import { createHandlers } from '../../core/handlers';
import { createRouter } from '../../core/router';
import { corePortMessage } from '../ipc-channel';
import { fromEmitterPort, servePort } from '../port-protocol';

interface ParentPort {
  on(
    event: 'message',
    listener: (message: { data: unknown; ports: Parameters<typeof fromEmitterPort>[0][] }) => void,
  ): void;
}

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('the studio core must be started as an Electron utility process');

// The workspace is the app's own folder (Electron's userData, which core/store/data-dir.ts
// computes the same way), opened on the first call that needs it. This file is bundled into
// out/main/core.js, and the engine's worker thread is bundled by scripts/build-node.mjs into
// dist/node/ (`npm run build` makes both); the pool's own guesses look beside its bundle or from
// the source tree, neither of which holds the worker here.
const engineWorkerUrl = new URL('../../dist/node/engine-worker.mjs', import.meta.url);
const core = createHandlers({ host: 'desktop', engineWorkerUrl });
const router = createRouter(core.handlers, {
  onInternalError: (channel, error) => console.error(`[${channel}]`, error),
});

// The main process stops the core with kill() (SIGTERM on POSIX): close the engine's workers and
// the workspace file (flushing its WAL) before going.
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void core.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

// Only the main process writes to parentPort: each message hands over one window's port.
parentPort.on('message', ({ data, ports }) => {
  const port = ports[0];
  if ((data as { kind?: unknown } | null)?.kind !== corePortMessage || !port) return;
  // Electron's MessagePortMain wraps what was sent in an event's `data`.
  servePort(
    fromEmitterPort(port, (message) => (message as { data: unknown }).data),
    router,
    core.events,
  );
});
