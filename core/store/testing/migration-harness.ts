import type Database from 'better-sqlite3';
import { openDatabase } from '../database';
import { migrate, migrations } from '../migrations';

// Migration tests (Signal's pattern): open a real file, migrate to N-1, insert rows with plain
// SQL, migrate to N, then check that the rows survived and the new schema behaves.

export function openAtVersion(dir: string, version: number): Database.Database {
  const db = openDatabase(dir);
  migrate(db, migrations, { to: version });
  return db;
}

export function migrateTo(db: Database.Database, version: number): number[] {
  return migrate(db, migrations, { to: version });
}

export function tableNames(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .all()
    .map((row) => row.name);
}
