import { migration001 } from './001-workspace';
import { migration002 } from './002-scripts';
import { migration003 } from './003-pipeline';
import { migration004 } from './004-environments';
import { migration005 } from './005-recorded-events';
import { migration006 } from './006-replay-runs';
import { migration007 } from './007-traces';
import { migration008 } from './008-publish-history';
import { migration009 } from './009-replay-links';
import { migration010 } from './010-run-environment';
import type { Migration } from './migration';

export type { Migration } from './migration';
export { migrate, migrationHash, appliedMigrations, type AppliedMigration, type MigrateOptions } from './runner';

/** Every migration in order. Append new files; never edit or renumber one that has shipped. */
export const migrations: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
];

export const latestSchemaVersion = migrations.length;
