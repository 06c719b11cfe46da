import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { channelNames, type Result } from '../../shared/contract';
import type { Router } from '../../core/router';
import { ipcChannelPrefix } from '../ipc-channel';
import { appOrigin } from './app-protocol';

/**
 * A message counts only when it comes from the app's own window, from its main frame (not an
 * iframe), showing the app's own origin; anything else is refused before the router sees it.
 */
export function isTrustedSender(
  event: IpcMainInvokeEvent,
  window: BrowserWindow | null,
  devServerUrl?: string,
): boolean {
  const frame = event.senderFrame;
  if (!window || window.isDestroyed() || !frame) return false;
  if (event.sender !== window.webContents || frame !== window.webContents.mainFrame) return false;
  const origin = new URL(frame.url).origin;
  return origin === appOrigin || (devServerUrl !== undefined && origin === new URL(devServerUrl).origin);
}

/** One ipcMain handler per contract channel, all going through the same router as web mode. */
export function registerIpcHandlers(
  router: Router,
  getWindow: () => BrowserWindow | null,
  devServerUrl?: string,
): void {
  for (const channel of channelNames) {
    ipcMain.handle(`${ipcChannelPrefix}${channel}`, async (event, input: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event, getWindow(), devServerUrl)) {
        return { ok: false, error: { code: 'UNAVAILABLE', message: 'refused: not the studio window' } };
      }
      return router.dispatch(channel, input);
    });
  }
}
