// The studio's core in an Electron utilityProcess: the router and every service behind it (the
// SQLite store, whose calls are synchronous, the keychain, the engine pool, replays). The main
// process only relays contract calls here, so a slow query or a long replay never stalls the
// window's event loop. Plain Node otherwise: the same router runs in the web host and the CLI.
import { createHandlers } from '../../core/handlers';
import { createRouter } from '../../core/router';
import { isCoreRequest, type CoreResponse } from './messages';

interface ParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('the studio core must be started as an Electron utility process');

const router = createRouter(createHandlers({ host: 'desktop' }), {
  onInternalError: (channel, error) => console.error(`[${channel}]`, error),
});

parentPort.on('message', ({ data }) => {
  if (!isCoreRequest(data)) return;
  void router.dispatch(data.channel, data.input).then((result) => {
    const response: CoreResponse = { id: data.id, result };
    parentPort.postMessage(response);
  });
});
