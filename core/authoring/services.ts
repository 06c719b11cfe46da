import { availableParallelism } from 'node:os';
import { ContractError } from '../../shared/contract';
import { createEnginePool, type EnginePool } from '../../shared/engine/node';
import { Keychain, keychainLabel, RuntimeTokenStore, SecretStore } from '../secrets';
import { Publisher } from '../publish/publisher';
import { ReplayJobs, staleRunMessage } from '../replay/replay-jobs';
import { resolveDataDir, Workspace } from '../store';
import { EventBus } from '../events/event-bus';
import { EnvironmentSecrets } from './environment-secrets';

// The services behind the authoring channels, each made on first use: opening the workspace
// creates or migrates a database, the keychain may be absent, and the engine pool starts a worker
// thread. None of that should happen for a host that only asks app.info, nor break it when it
// fails: a failed open is reported to that call and tried again on the next one.

export interface StudioServicesOptions {
  /** The workspace folder (--data); default: the app's data folder (resolveDataDir). */
  dataDir?: string;
  /** The keychain to use; default: the OS keychain. Tests inject a failing one. */
  keychain?: Keychain;
  /** Epoch milliseconds for the workspace; injected by tests. */
  now?: () => number;
  /** The engine's bundled worker, for hosts whose bundle does not sit beside it (the desktop core). */
  engineWorkerUrl?: URL;
}

export class StudioServices {
  readonly keychainLabel = keychainLabel();
  /** The events pushed to the page (replay progress, publish steps, imports); the hosts carry them. */
  readonly events = new EventBus({
    onError: (name, error) =>
      process.emitWarning(`event ${name}: ${error instanceof Error ? error.message : String(error)}`),
  });
  /** Routes the pool's helpers.secret reads to the environment a run asked for. */
  readonly environmentSecrets = new EnvironmentSecrets((environment) => this.secrets().provider(environment));
  private readonly keychain: Keychain;
  private opened: Workspace | null = null;
  private secretStore: SecretStore | null = null;
  private tokenStore: RuntimeTokenStore | null = null;
  private pool: EnginePool | null = null;
  private replayPool: EnginePool | null = null;
  private closed = false;
  /** The background replays (replay.*); close() cancels the running one first. */
  readonly replayJobs = new ReplayJobs({
    workspace: () => this.workspace(),
    engine: () => this.replayEngine(),
    secrets: this.environmentSecrets,
  });

  /** Publishes, rollbacks and event pulls against the environments' runtimes (core/publish). */
  readonly publisher: Publisher = new Publisher(this);

  constructor(private readonly options: StudioServicesOptions = {}) {
    this.keychain = options.keychain ?? new Keychain();
  }

  /** The folder the workspace lives in (whether or not it is open yet). */
  get dataDir(): string {
    return resolveDataDir(this.options.dataDir);
  }

  workspace(): Workspace {
    this.checkOpen();
    if (!this.opened) {
      const workspace = Workspace.open({ dir: this.dataDir, ...(this.options.now ? { now: this.options.now } : {}) });
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

  secrets(): SecretStore {
    this.secretStore ??= SecretStore.forWorkspace(this.workspace(), this.keychain);
    return this.secretStore;
  }

  runtimeTokens(): RuntimeTokenStore {
    this.tokenStore ??= new RuntimeTokenStore(this.workspace().id, this.keychain);
    return this.tokenStore;
  }

  /** One worker is enough for the editor's runs; the watchdog still stops a stuck script. */
  engine(): EnginePool {
    this.checkOpen();
    const { engineWorkerUrl } = this.options;
    this.pool ??= createEnginePool({
      workers: 1,
      secrets: this.environmentSecrets.provider,
      ...(engineWorkerUrl ? { workerUrl: engineWorkerUrl } : {}),
    });
    return this.pool;
  }

  /**
   * The replays' pool: a worker per core, made on the first replay and kept. Separate from the
   * editor's, so that a long replay never queues the editor's runs behind thousands of events.
   */
  replayEngine(): EnginePool {
    this.checkOpen();
    const { engineWorkerUrl } = this.options;
    this.replayPool ??= createEnginePool({
      workers: availableParallelism(),
      secrets: this.environmentSecrets.provider,
      ...(engineWorkerUrl ? { workerUrl: engineWorkerUrl } : {}),
    });
    return this.replayPool;
  }

  /**
   * Cancels a running replay (its run is marked cancelled while the workspace is still open), then
   * stops the pools' workers and closes the workspace; the hosts call it on shutdown.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pools = [this.pool, this.replayPool];
    this.pool = null;
    this.replayPool = null;
    try {
      // A running publish stops before its request (or waits for the answer and records it); its
      // suite replay, if any, is cancelled by the replay jobs' shutdown.
      const publishing = this.publisher.shutdown();
      await this.replayJobs.shutdown();
      await publishing;
      await Promise.all(pools.map((pool) => pool?.close()));
    } finally {
      this.opened?.close();
      this.opened = null;
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new ContractError('UNAVAILABLE', 'The studio core is shutting down.');
  }
}
