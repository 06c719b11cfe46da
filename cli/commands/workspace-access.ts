import { existsSync } from 'node:fs';
import { isSecretStoreError } from '../../core/secrets';
import { Workspace, databasePath, isStoreError, resolveDataDir } from '../../core/store';
import { UsageError } from '../usage-error';

// How the workspace commands (import, export, events, traces, secrets) open the studio's data and
// report what goes wrong with it. Every failure of the store or the keychain becomes one line on
// stderr and exit code 2: the workspace (or keychain) is input this command could not use, like an
// unreadable file. The store's messages already name the file and say what to do; they are kept
// whole and only folded onto one line.

export const dataOptionHelp = "  --data DIR           the workspace folder (default: the desktop app's data folder)";

export interface OpenOptions {
  /**
   * Commands that only read (export, traces, secrets list/delete) refuse a folder without a
   * workspace instead of creating an empty one there: a mistyped --data would otherwise yield an
   * empty export or listing that looks like data loss.
   */
  mustExist?: boolean;
}

/** Opens the workspace in `--data` (or the app's folder), runs `use`, and always closes it. */
export async function withWorkspace<T>(
  command: string,
  dataDir: string | undefined,
  use: (workspace: Workspace) => T | Promise<T>,
  options: OpenOptions = {},
): Promise<T> {
  const dir = resolveDataDir(dataDir);
  if (options.mustExist && !existsSync(databasePath(dir))) {
    throw new UsageError(
      `${command}: there is no workspace in ${dir} (no ${databasePath(dir)}); check --data, or import a bundle first`,
    );
  }
  let workspace: Workspace;
  try {
    workspace = Workspace.open({ dir });
  } catch (error) {
    throw asUsageError(command, error);
  }
  try {
    return await use(workspace);
  } catch (error) {
    throw asUsageError(command, error);
  } finally {
    try {
      workspace.close();
    } catch {
      // A failure to close (e.g. the optimize pragma on a full disk) must not hide the command's
      // own outcome; nothing the command wrote depends on it, as every write was its own commit.
    }
  }
}

/**
 * A StoreError or SecretStoreError as a one-line UsageError (exit 2), e.g.
 * `import: CORRUPT: The workspace database /x/workspace.db is damaged … nothing was replaced.`
 * Anything else is returned as it is (a bug, reported with its stack by main.ts).
 */
export function asUsageError(command: string, error: unknown): unknown {
  if (isStoreError(error)) {
    let message = error.message;
    // The store leaves a damaged file exactly as it was; say so in the words a worried admin looks for.
    if (error.code === 'CORRUPT') message += ' Nothing was replaced, moved or deleted.';
    return new UsageError(`${command}: ${error.code}: ${oneLine(message)}`);
  }
  if (isSecretStoreError(error)) {
    // SecretStoreError messages never carry a value (core/secrets/errors.ts cuts it out).
    return new UsageError(`${command}: ${error.code}: ${oneLine(error.message)}`);
  }
  return error;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
