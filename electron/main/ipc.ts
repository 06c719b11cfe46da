import { ipcMain, type BrowserWindow } from 'electron';
import { channelNames, type Result } from '../../shared/contract';
import type { Router } from '../../core/router';
import { ipcChannelPrefix } from '../ipc-channel';
import { appOrigin } from './app-protocol';
import { isTrustedSender } from './sender-check';

/** One ipcMain handler per contract channel, all going through the same router as web mode. */
export function registerIpcHandlers(
  router: Router,
  getWindow: () => BrowserWindow | null,
  devServerUrl?: string,
): void {
  const trustedOrigins = devServerUrl ? [appOrigin, new URL(devServerUrl).origin] : [appOrigin];
  for (const channel of channelNames) {
    ipcMain.handle(`${ipcChannelPrefix}${channel}`, async (event, input: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event, getWindow(), trustedOrigins)) {
        return { ok: false, error: { code: 'UNAVAILABLE', message: 'refused: not the studio window' } };
      }
      return router.dispatch(channel, input);
    });
  }
}
