import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow } from 'electron';
import { appOrigin, handleAppProtocol, registerAppScheme } from './app-protocol';
import { startCoreHost } from './core-host';
import { handPortToWindow } from './port-handoff';
import { createMainWindow } from './window';

// The desktop shell stays thin: it starts the core process, hands each window a port to it, and
// guards the window. Calls and pushed events do not pass through here (electron/port-protocol.ts).

const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const trustedOrigins = devServerUrl ? [appOrigin, new URL(devServerUrl).origin] : [appOrigin];
let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  void app.whenReady().then(() => {
    const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    handleAppProtocol(path.join(outDir, 'renderer'));
    // The core (store, keychain, engine) runs in a utility process: see electron/core-process.
    // A restarted core has lost every port: each window gets a fresh one (its calls in flight
    // answered UNAVAILABLE when the old port closed).
    const core = startCoreHost(path.join(outDir, 'main'), () => {
      for (const window of BrowserWindow.getAllWindows()) handPortToWindow(window, core, trustedOrigins);
    });
    app.on('will-quit', () => core.stop());
    const open = () => {
      const window = createMainWindow(path.join(outDir, 'preload'), devServerUrl);
      // Every load (a reload included) starts a new preload, which needs its own port.
      window.webContents.on('did-finish-load', () => handPortToWindow(window, core, trustedOrigins));
      return window;
    };
    mainWindow = open();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = open();
    });
  });
}
