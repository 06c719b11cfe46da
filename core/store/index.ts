// The studio's workspace store: one SQLite database (better-sqlite3) per data folder.
//
// WHERE IT RUNS. better-sqlite3 is synchronous: a query blocks the thread that makes it. So the
// studio's core (the contract router and its services: this store, secrets, replay, publish)
// runs in an Electron utilityProcess, never in Electron's main process, whose event loop also
// drives the window (input, IPC, painting) and must not stall behind a slow query or a busy lock.
// The main process only relays the contract's calls to it (MessagePort), and the renderer only
// talks to main. In web mode the same core runs in the local web host's Node process, and the CLI
// uses it in-process. That is why this API stays synchronous and plain Node (no electron import):
// it is the same code in all three hosts, and an async wrapper would only add a hop.
// Heavy jobs (replaying thousands of events) write traces through TraceBatcher, one transaction
// per batch, so that the core's event loop is busy for milliseconds at a time, not seconds; trace
// cleanup deletes in small batches under a time budget for the same reason.
//
// Two processes on one folder (the app and the CLI) are safe: WAL lets readers run beside the
// writer, and writers wait for each other up to a busy timeout before failing with BUSY.

export { Workspace, type WorkspaceOptions } from './workspace';
export { StoreError, isStoreError, type StoreErrorCode } from './errors';
export { appName, appDataDir, databaseFileName, defaultDataDir, resolveDataDir, type PlatformInfo } from './data-dir';
export { databasePath, defaultBusyTimeoutMs, moveCorruptDatabaseAside, type DatabaseOptions } from './database';
export { latestSchemaVersion } from './migrations';
export type { BundleImport } from './bundle-view';
export { TraceBatcher, type TraceBatcherOptions } from './trace-sink';
export {
  defaultTraceRetention,
  type TraceCleanup,
  type TraceCleanupOptions,
  type TraceRetention,
} from './trace-retention';
export { isEnvironmentName, isSecretName } from './names';
export {
  contentHash,
  type SavedScript,
  type Script,
  type ScriptQueries,
  type ScriptSettings,
  type ScriptSettingsPatch,
  type ScriptVersion,
  type ScriptVersionSummary,
} from './queries/scripts';
export type { HookLayerMap, PipelineQueries } from './queries/pipeline';
export type { Environment, EnvironmentQueries } from './queries/environments';
export type { SecretNameQueries } from './queries/secret-names';
export type {
  EventFacets,
  EventFilter,
  EventImport,
  RecordedEventQueries,
  StoredEvent,
} from './queries/recorded-events';
export type {
  ReplayResult,
  ReplayRun,
  ReplayRunQueries,
  ReplayRunStatus,
  ResultCounts,
  ResultSelection,
} from './queries/replay-runs';
export {
  searchableText,
  traceStatus,
  type LinkedTrace,
  type TraceFilter,
  type TraceLinks,
  type TraceQueries,
  type TraceStatus,
  type TraceSummary,
} from './queries/traces';
export type { PublishQueries, PublishRecord } from './queries/publishes';
