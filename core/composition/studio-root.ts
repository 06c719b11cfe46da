import { ContractError } from '../../shared/contract';
import type { SecretProvider } from '../../shared/engine';
import type { EnginePool } from '../../shared/engine/node';
import type { HookId } from '../../shared/hooks';
import { EventBus } from '../events/event-bus';
import { compareBundles } from '../impact/compare-bundles';
import { ImpactJobs } from '../impact/impact-jobs';
import { PublishJobs } from '../publish/publish-jobs';
import { runtimeConnector, type ConnectRuntime } from '../publish/runtime-connection';
import { ReplayJobs } from '../replay/replay-jobs';
import { RolloutWatches } from '../rollout/rollout-watches';
import { TailSessions } from '../rollout/tail-sessions';
import { Keychain, keychainLabel, RuntimeTokenStore, SecretStore } from '../secrets';
import type { Workspace } from '../store';
import { EnginePools } from './engine-pools';
import { WorkspaceOpener } from './workspace-opener';

// The composition root: the one place that builds the core's services and wires each to the few
// things it uses (docs/architecture.md, "The authoring channels"). Everything that costs something
// (the workspace, the keychain, the engine pools) is made on first use, so building the root is
// cheap and cannot fail; the members below are arrow functions so that they can be handed out
// one by one as narrow dependencies.

export interface StudioRootOptions {
  /** The workspace folder (--data); default: the app's data folder (resolveDataDir). */
  dataDir?: string;
  /** The keychain to use; default: the OS keychain. Tests inject a failing one. */
  keychain?: Keychain;
  /** Epoch milliseconds for the workspace; injected by tests. */
  now?: () => number;
  /** The engine's bundled worker, for hosts whose bundle does not sit beside it (the desktop core). */
  engineWorkerUrl?: URL;
}

const shuttingDown = 'The studio core is shutting down.';

export class StudioRoot {
  readonly keychainLabel = keychainLabel();
  /** The events pushed to the page (replay progress, publish steps, imports); the hosts carry them. */
  readonly events = new EventBus({
    onError: (name, error) =>
      process.emitWarning(`event ${name}: ${error instanceof Error ? error.message : String(error)}`),
  });
  /** The background replays (replay.*, and the publish's suite); close() cancels the running one. */
  readonly replayJobs: ReplayJobs;
  /** The publish jobs (publish.start, publish.progress); close() lets a running one end. */
  readonly publishJobs: PublishJobs;
  /** The impacts (impact.*), the publish's impact gate asks them; close() cancels the running ones. */
  readonly impactJobs: ImpactJobs;
  /** An environment's runtime: its URL and its token, or NOT_FOUND / NO_RUNTIME_URL / NO_TOKEN. */
  readonly connect: ConnectRuntime;
  /** The watched rollouts (rollouts.watch): close() stops their reads. */
  readonly rolloutWatches: RolloutWatches;
  /** The open live tails (tail.start): close() ends them. */
  readonly tails: TailSessions;

  private readonly keychain: Keychain;
  private readonly opener: WorkspaceOpener;
  private readonly pools: EnginePools;
  private secretStore: SecretStore | null = null;
  private tokenStore: RuntimeTokenStore | null = null;
  private closed = false;

  constructor(options: StudioRootOptions = {}) {
    this.keychain = options.keychain ?? new Keychain();
    this.opener = new WorkspaceOpener({ dataDir: options.dataDir, now: options.now });
    this.pools = new EnginePools({ engineWorkerUrl: options.engineWorkerUrl });
    this.replayJobs = new ReplayJobs({
      workspace: this.workspace,
      engine: this.replayEngine,
      secretsFor: this.secretsFor,
      events: this.events,
    });
    this.connect = runtimeConnector({ workspace: this.workspace, runtimeTokens: this.runtimeTokens });
    this.impactJobs = new ImpactJobs({
      workspace: this.workspace,
      engine: this.replayEngine,
      secretsFor: this.secretsFor,
      connect: this.connect,
      compare: compareBundles,
      events: this.events,
      ...(options.now ? { now: options.now } : {}),
    });
    this.publishJobs = new PublishJobs({
      connect: this.connect,
      workspace: this.workspace,
      secretsFor: this.secretsFor,
      replayJobs: this.replayJobs,
      events: this.events,
      impactReview: this.impactReview,
    });
    this.rolloutWatches = new RolloutWatches({
      connect: this.connect,
      hasEnvironment: (name) => this.workspace().environments.get(name) !== undefined,
      events: this.events,
    });
    this.tails = new TailSessions({ connect: this.connect, events: this.events });
  }

  /** The latest impact of a bundle on an environment, for the publish's impact gate. */
  readonly impactReview = (environment: string, hash: string) => this.impactJobs.review(environment, hash);

  /** The folder the workspace lives in (whether or not it is open yet). */
  get dataDir(): string {
    return this.opener.dir;
  }

  readonly workspace = (): Workspace => {
    this.checkOpen();
    return this.opener.open();
  };

  readonly secrets = (): SecretStore => {
    this.secretStore ??= SecretStore.forWorkspace(this.workspace(), this.keychain);
    return this.secretStore;
  };

  readonly runtimeTokens = (): RuntimeTokenStore => {
    this.tokenStore ??= new RuntimeTokenStore(this.workspace().id, this.keychain);
    return this.tokenStore;
  };

  /** An environment's secret values, read from the keychain only when a script asks. */
  readonly secretsFor = (environment: string): SecretProvider => this.secrets().provider(environment);

  /** The editor's pool (one worker). */
  readonly engine = (): EnginePool => {
    this.checkOpen();
    return this.pools.editor();
  };

  /** The replays' pool (a worker per core). */
  readonly replayEngine = (): EnginePool => {
    this.checkOpen();
    return this.pools.replays();
  };

  /** The text of the events an environment's runtime captured (events.pull). */
  readonly capturedEvents = (environment: string, query: { since?: string; hook?: HookId }): Promise<string> =>
    this.connect(environment).client.events(query);

  /**
   * Cancels a running replay (its run is marked cancelled while the workspace is still open) and
   * the running impacts, ends the live tails and the rollout watches, lets
   * a running publish end, then stops the pools' workers and closes the workspace; the hosts call
   * it on shutdown. Twice is harmless.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      // A running publish stops before its request (or waits for the answer and records it); its
      // suite replay, if any, is cancelled by the replay jobs' shutdown.
      const publishing = this.publishJobs.shutdown();
      this.tails.close();
      await Promise.all([this.replayJobs.shutdown(), this.impactJobs.shutdown(), this.rolloutWatches.close()]);
      await publishing;
      await this.pools.close();
    } finally {
      this.opener.close();
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new ContractError('UNAVAILABLE', shuttingDown);
  }
}
