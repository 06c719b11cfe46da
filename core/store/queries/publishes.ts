import { StoreError } from '../errors';
import { isoTime, writeTransaction, type QueryContext } from './context';

// Publish history. Recording a publish also moves the environment's last published hash, in the
// same transaction, so the environment list and the history never disagree.

export interface PublishRecord {
  id: number;
  environment: string;
  /** 1, 2, 3, … per environment. */
  version: number;
  /** The bundle's content hash (docs/formats.md). */
  hash: string;
  publishedAt: string;
  author: string;
  message: string;
}

interface PublishRow {
  id: number;
  environment: string;
  version: number;
  bundle_hash: string;
  published_at: number;
  author: string;
  message: string;
}

export function createPublishQueries({ db, now }: QueryContext) {
  return {
    record(publish: { environment: string; hash: string; author: string; message?: string }): PublishRecord {
      return writeTransaction(db, () => {
        const exists = db.prepare('SELECT 1 FROM environments WHERE name = ?').get(publish.environment);
        if (!exists) throw new StoreError('NOT_FOUND', `There is no environment "${publish.environment}".`);
        const { lastInsertRowid } = db
          .prepare(
            `INSERT INTO publishes (environment, version, bundle_hash, published_at, author, message)
             VALUES (?, (SELECT coalesce(max(version), 0) + 1 FROM publishes WHERE environment = ?), ?, ?, ?, ?)`,
          )
          .run(publish.environment, publish.environment, publish.hash, now(), publish.author, publish.message ?? '');
        db.prepare('UPDATE environments SET last_published_hash = ? WHERE name = ?').run(
          publish.hash,
          publish.environment,
        );
        const row = db
          .prepare<[number], PublishRow>('SELECT * FROM publishes WHERE id = ?')
          .get(Number(lastInsertRowid));
        if (!row) throw new StoreError('IO', 'The publish record vanished while it was written.');
        return toRecord(row);
      });
    },

    /** Newest first, optionally for one environment. */
    list(options: { environment?: string; limit?: number } = {}): PublishRecord[] {
      const filter = options.environment === undefined ? '' : 'WHERE environment = ?';
      const params = options.environment === undefined ? [] : [options.environment];
      return db
        .prepare<(string | number)[], PublishRow>(`SELECT * FROM publishes ${filter} ORDER BY id DESC LIMIT ?`)
        .all(...params, options.limit ?? 100)
        .map(toRecord);
    },

    latest(environment: string): PublishRecord | undefined {
      const row = db
        .prepare<[string], PublishRow>('SELECT * FROM publishes WHERE environment = ? ORDER BY version DESC LIMIT 1')
        .get(environment);
      return row ? toRecord(row) : undefined;
    },
  };
}

export type PublishQueries = ReturnType<typeof createPublishQueries>;

function toRecord(row: PublishRow): PublishRecord {
  return {
    id: row.id,
    environment: row.environment,
    version: row.version,
    hash: row.bundle_hash,
    publishedAt: isoTime(row.published_at),
    author: row.author,
    message: row.message,
  };
}
