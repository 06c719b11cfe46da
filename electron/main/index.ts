import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow } from 'electron';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { startCoreProcess } from './core-client';
import { registerIpcHandlers } from './ipc';
import { createMainWindow } from './window';

// The desktop shell stays thin: it relays IPC to the core process's router and guards the window.
// Everything it calls runs (and is tested) under plain Node as well.

const devServerUrl = process.env.ELECTRON_RENDERER_URL;
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
    const router = startCoreProcess(path.join(outDir, 'main'));
    app.on('will-quit', () => router.stop());
    registerIpcHandlers(router, () => mainWindow, devServerUrl);
    mainWindow = createMainWindow(path.join(outDir, 'preload'), devServerUrl);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0)
        mainWindow = createMainWindow(path.join(outDir, 'preload'), devServerUrl);
    });
  });
}
