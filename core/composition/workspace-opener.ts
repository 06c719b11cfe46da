import { staleRunMessage } from '../replay/replay-jobs';
import { resolveDataDir, Workspace } from '../store';

// The workspace, opened on the first call that needs it: opening creates or migrates a database,
// which must not happen for a host that only asks app.info, nor break it when it fails. A failed
// open is thrown to that call and tried again on the next one.

export interface WorkspaceOpenerOptions {
  /** The workspace folder (--data); default: the app's data folder (resolveDataDir). */
  dataDir?: string | undefined;
  /** Epoch milliseconds for the workspace; injected by tests. */
  now?: (() => number) | undefined;
}

export class WorkspaceOpener {
  private opened: Workspace | null = null;

  constructor(private readonly options: WorkspaceOpenerOptions) {}

  /** The folder the workspace lives in (whether or not it is open yet). */
  get dir(): string {
    return resolveDataDir(this.options.dataDir);
  }

  open(): Workspace {
    if (!this.opened) {
      const { now } = this.options;
      const workspace = Workspace.open({ dir: this.dir, ...(now ? { now } : {}) });
      try {
        // No replay of this process has started yet, so a run still `running` was left by a studio
        // that stopped mid-replay: it would otherwise spin in the UI forever. (A CLI replay running
        // at this very moment is marked too; its own end overwrites the mark.)
        workspace.replays.failRunning(staleRunMessage);
      } catch (error) {
        workspace.close();
        throw error;
      }
      this.opened = workspace;
    }
    return this.opened;
  }

  close(): void {
    this.opened?.close();
    this.opened = null;
  }
}
