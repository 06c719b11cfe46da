import { migration001 } from './001-bundles';
import { migration002 } from './002-secrets';
import { migration003 } from './003-tokens';
import { migration004 } from './004-capture';
import { migration005 } from './005-rollouts';
import type { Migration } from './migration';

export type { Migration } from './migration';
export { migrate, migrationHash, MigrationError } from './runner';

/** Every migration of runtime.db in order. Append new files; never edit or renumber a shipped one. */
export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005];
