import { contextBridge, ipcRenderer } from 'electron';
import { createClient, type StudioClient } from '../../shared/contract';
import { corePortChannel } from '../ipc-channel';
import type { PortLike } from '../port-protocol';
import { createPortSession } from '../port-session';

// The only surface the renderer gets: one named method per contract channel and `listen` for the
// pushed events. There is no generic invoke(channel, …): the channel of each method is fixed here.
// Calls and events go over a MessagePort to the core process that the main process hands over
// once the page has loaded (and again after a core restart); the port stays here, out of the
// page's reach, and the core's router refuses any channel the contract does not declare.

interface RendererPort {
  onmessage: ((event: { data: unknown }) => void) | null;
  /** Electron adds `close` to the renderer's MessagePort: the core's end went away. */
  addEventListener(type: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  close(): void;
}

function fromRendererPort(port: RendererPort): PortLike {
  return {
    postMessage: (message) => port.postMessage(message),
    // Setting onmessage starts the port.
    onMessage: (listener) => (port.onmessage = (event) => listener(event.data)),
    onClose: (listener) => port.addEventListener('close', listener),
    close: () => port.close(),
  };
}

const session = createPortSession();
// Only the main process sends on this channel (ipcRenderer never hears other pages).
ipcRenderer.on(corePortChannel, (event) => {
  const port = event.ports[0] as unknown as RendererPort | undefined;
  if (port) session.attach(fromRendererPort(port));
});

const client = createClient(session.transport, session.events) satisfies StudioClient;
contextBridge.exposeInMainWorld('studio', client);
