import os from 'node:os';
import path from 'node:path';

// The desktop app and the CLI share one workspace, so the default folder is exactly what
// Electron's app.getPath('userData') gives for the product name "Pipeline Studio":
// appData (per platform, below) joined with the app's name. Electron takes that name from
// package.json's productName or app.setName(); the shell must set it to `appName`, or the two
// would silently use different folders.

export const appName = 'Pipeline Studio';
export const databaseFileName = 'workspace.db';

export interface PlatformInfo {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
}

function currentPlatform(): PlatformInfo {
  return { platform: process.platform, env: process.env, homedir: os.homedir() };
}

/** Electron's `appData`: where per-user application folders live on this platform. */
export function appDataDir(info: PlatformInfo = currentPlatform()): string {
  const { platform, env, homedir } = info;
  if (platform === 'win32') return env.APPDATA || path.win32.join(homedir, 'AppData', 'Roaming');
  if (platform === 'darwin') return path.posix.join(homedir, 'Library', 'Application Support');
  // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored (XDG Base Directory spec).
  const xdg = env.XDG_CONFIG_HOME;
  return xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(homedir, '.config');
}

/** The studio's default data folder (Electron's userData for "Pipeline Studio"). */
export function defaultDataDir(info: PlatformInfo = currentPlatform()): string {
  const join = info.platform === 'win32' ? path.win32.join : path.posix.join;
  return join(appDataDir(info), appName);
}

/** The folder to use: an explicit one (the CLI's --data), made absolute, or the default. */
export function resolveDataDir(explicit?: string, info?: PlatformInfo): string {
  if (explicit !== undefined && explicit.trim() !== '') return path.resolve(explicit);
  return defaultDataDir(info);
}
