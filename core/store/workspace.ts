import type Database from 'better-sqlite3';
import type { Bundle } from '../../shared/engine';
import { exportBundle, importBundle, type BundleImport, type BundleViewParts } from './bundle-view';
import { resolveDataDir } from './data-dir';
import { databasePath, openDatabase, type DatabaseOptions } from './database';
import { guarded, StoreError, translateError } from './errors';
import { migrate, migrations } from './migrations';
import { writeTransaction, type QueryContext } from './queries/context';
import { createEnvironmentQueries, type EnvironmentQueries } from './queries/environments';
import { createPipelineQueries, type PipelineQueries } from './queries/pipeline';
import { createPublishQueries, type PublishQueries } from './queries/publishes';
import { createRecordedEventQueries, type RecordedEventQueries } from './queries/recorded-events';
import { createReplayRunQueries, type ReplayRunQueries } from './queries/replay-runs';
import { createScriptQueries, type ScriptQueries } from './queries/scripts';
import { createSecretNameQueries, type SecretNameQueries } from './queries/secret-names';
import { createTraceQueries, type TraceQueries } from './queries/traces';
import { cleanupTraces, type TraceCleanup, type TraceCleanupOptions, type TraceRetention } from './trace-retention';
import { TraceBatcher, type TraceBatcherOptions } from './trace-sink';

export interface WorkspaceOptions extends DatabaseOptions {
  /** The data folder (the CLI's --data); default: the app's folder (data-dir.ts). */
  dir?: string;
  /** Epoch milliseconds; injected so that tests are deterministic. */
  now?: () => number;
  /** Trace retention used by cleanupTraces() when a call does not override it. */
  retention?: Partial<TraceRetention>;
}

/**
 * One workspace: a data folder holding workspace.db. Repositories are typed per entity and every
 * failure they raise is a StoreError naming the database file. Synchronous (better-sqlite3), so it
 * must run off any UI thread (see index.ts).
 */
export class Workspace {
  readonly scripts: ScriptQueries;
  readonly pipeline: PipelineQueries;
  readonly environments: EnvironmentQueries;
  readonly secretNames: SecretNameQueries;
  readonly events: RecordedEventQueries;
  readonly replays: ReplayRunQueries;
  readonly traces: TraceQueries;
  readonly publishes: PublishQueries;
  /** The random id that keys this workspace's secrets in the OS keychain. */
  readonly id: string;

  private readonly context: QueryContext;
  private readonly sinks = new Set<TraceBatcher>();
  private closed = false;

  /** Opens (creating and migrating as needed) the workspace in `options.dir` or the default folder. */
  static open(options: WorkspaceOptions = {}): Workspace {
    const dir = resolveDataDir(options.dir);
    const db = openDatabase(dir, options);
    try {
      migrate(db, migrations, options.now ? { now: options.now } : {});
      return new Workspace(dir, db, options);
    } catch (error) {
      db.close();
      throw translateError(error, databasePath(dir));
    }
  }

  private constructor(
    /** The data folder. */
    readonly dir: string,
    private readonly db: Database.Database,
    private readonly options: WorkspaceOptions,
  ) {
    const path = this.path;
    this.context = { db, now: options.now ?? Date.now };
    this.scripts = guarded(createScriptQueries(this.context), path);
    this.pipeline = guarded(createPipelineQueries(this.context), path);
    this.environments = guarded(createEnvironmentQueries(this.context), path);
    this.secretNames = guarded(createSecretNameQueries(this.context), path);
    this.events = guarded(createRecordedEventQueries(this.context), path);
    this.replays = guarded(createReplayRunQueries(this.context), path);
    this.traces = guarded(createTraceQueries(this.context), path);
    this.publishes = guarded(createPublishQueries(this.context), path);
    const row = db.prepare<[], { id: string }>('SELECT id FROM workspace').get();
    if (!row) throw new StoreError('CORRUPT', `The workspace at ${path} has lost its identity row.`, path);
    this.id = row.id;
  }

  /** The database file. */
  get path(): string {
    return databasePath(this.dir);
  }

  /** The pipeline's name (the bundle's `name`). */
  get name(): string {
    return this.guard(() => this.db.prepare<[], { name: string }>('SELECT name FROM workspace').get()?.name ?? '');
  }

  rename(name: string): void {
    if (name.trim() === '' || name.length > 100) {
      throw new StoreError('INVALID', 'A pipeline name must be 1–100 characters.', this.path);
    }
    this.guard(() => this.db.prepare('UPDATE workspace SET name = ?').run(name));
  }

  /** Runs `fn` as one write transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.guard(() => writeTransaction(this.db, fn));
  }

  exportBundle(): Bundle {
    return this.guard(() => exportBundle(this.bundleParts()));
  }

  /** Throws BundleInvalidError (PIPELINE_INVALID) for an invalid bundle, with every problem. */
  importBundle(bundle: unknown, options: { message?: string } = {}): BundleImport {
    return this.guard(() => importBundle(this.bundleParts(), bundle, options));
  }

  /** Applies trace retention in short batches; call again while `done` is false. */
  cleanupTraces(options: TraceCleanupOptions = {}): TraceCleanup {
    return this.guard(() => cleanupTraces(this.context, { ...this.options.retention, ...options }));
  }

  /** A batching TraceSink for the engine; close() of the workspace flushes it. */
  traceSink(options: TraceBatcherOptions = {}): TraceBatcher {
    const sink: TraceBatcher = new TraceBatcher(this.traces, {
      ...options,
      onClose: () => {
        this.sinks.delete(sink);
        options.onClose?.();
      },
    });
    this.sinks.add(sink);
    return sink;
  }

  /** `PRAGMA integrity_check`: an empty list when the file is sound. */
  integrityProblems(): string[] {
    return this.guard(() => {
      const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
      return rows.map((row) => row.integrity_check).filter((line) => line !== 'ok');
    });
  }

  /** Flushes trace sinks and closes the file. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    try {
      for (const sink of [...this.sinks]) sink.close();
      this.guard(() => this.db.pragma('optimize'));
    } finally {
      this.closed = true;
      this.sinks.clear();
      this.db.close();
    }
  }

  private guard<T>(fn: () => T): T {
    if (this.closed) throw new StoreError('CLOSED', `The workspace at ${this.path} is closed.`, this.path);
    try {
      return fn();
    } catch (error) {
      throw translateError(error, this.path);
    }
  }

  private bundleParts(): BundleViewParts {
    return {
      scripts: this.scripts,
      pipeline: this.pipeline,
      name: () => this.name,
      rename: (name) => this.rename(name),
      transaction: (fn) => writeTransaction(this.db, fn),
    };
  }
}
