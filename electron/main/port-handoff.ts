import { MessageChannelMain, type BrowserWindow } from 'electron';
import { corePortChannel } from '../ipc-channel';
import type { CoreHost } from './core-host';
import { showsAppOrigin } from './sender-check';

/**
 * Gives the window's preload a port straight to the core process, once per page load and after
 * every core restart: from then on contract calls and pushed events go between them without the
 * main process (electron/port-protocol.ts). Only a live window whose main frame shows the app's
 * own origin gets one; the preload keeps it, the page never sees it.
 */
export function handPortToWindow(window: BrowserWindow, core: CoreHost, trustedOrigins: readonly string[]): boolean {
  if (!showsAppOrigin(window, trustedOrigins)) return false;
  const { port1, port2 } = new MessageChannelMain();
  core.servePort(port1);
  window.webContents.postMessage(corePortChannel, null, [port2]);
  return true;
}
