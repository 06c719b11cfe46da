// The reference runtime's public API, for embedders: the library (createRuntime), the HTTP server
// over it (createRuntimeServer), and the storage interface with its SQLite default and its
// PostgreSQL implementation (several instances on one database, docs/deployment.md).

export { createRuntime } from './runtime';
export type {
  ActivationResult,
  ActiveBundle,
  PublishRequest,
  RollbackRequest,
  Runtime,
  RuntimeOptions,
  StartRolloutRequest,
} from './runtime';
export type { HookAnswer } from './invoke-answers';
export type {
  DifferenceJson,
  DifferenceKind,
  RolloutGuard,
  RolloutJson,
  RolloutMode,
  RolloutState,
  StickyKey,
} from './rollout/rollout-types';
export { RuntimeError, isRuntimeError, type RuntimeErrorCode } from './errors';
export { parseRuntimeConfig, runtimeConfigSchema, type RuntimeConfig, type RuntimeConfigInput } from './config';
export { createRuntimeServer, type RuntimeServer, type RuntimeServerOptions } from './server/runtime-server';
export { keepServingOnUnhandledRejections } from './server/process-policy';
export { createToken, parseScopes, tokenPrefix } from './auth/tokens';
export { openSqliteStorage, SqliteRuntimeStorage } from './storage/sqlite/sqlite-storage';
export {
  openPostgresStorage,
  PostgresRuntimeStorage,
  type PostgresStorageOptions,
} from './storage/postgres/postgres-storage';
export * from './storage/types';
