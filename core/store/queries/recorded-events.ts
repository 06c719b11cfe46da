import { isHookId, type HookId } from '../../../shared/hooks';
import type { JsonObject, JsonValue, RecordedEvent } from '../../../shared/engine';
import { StoreError } from '../errors';
import { isoTime, parseStoredJson, writeTransaction, type QueryContext } from './context';

// The library of recorded events. Import keeps the first event with a given id (what is already
// in the library wins, as do earlier lines of the same file) and counts the others as duplicates,
// so importing the same capture twice is harmless. Pinned events are the regression suite.

export interface StoredEvent extends RecordedEvent {
  tags: string[];
  pinned: boolean;
  importedAt: string;
}

export interface EventImport {
  imported: number;
  duplicates: number;
  /** Ids skipped because the library (or an earlier event of the same import) had them. */
  duplicateIds: string[];
}

export interface EventFilter {
  hook?: HookId;
  pinned?: boolean;
  tag?: string;
  /** Default 1000. */
  limit?: number;
  offset?: number;
}

interface EventRow {
  id: string;
  hook: HookId;
  at: string | null;
  event: string;
  outcome: string | null;
  source: string | null;
  tags: string;
  pinned: number;
  imported_at: number;
}

export function createRecordedEventQueries({ db, now }: QueryContext) {
  const insert = db.prepare(
    `INSERT INTO recorded_events (id, hook, at, event, outcome, source, tags, pinned, imported_at)
     VALUES (@id, @hook, @at, @event, @outcome, @source, @tags, @pinned, @imported_at)
     ON CONFLICT (id) DO NOTHING`,
  );

  const where = (filter: EventFilter): { sql: string; params: (string | number)[] } => {
    const clauses: string[] = [];
    const params: (string | number)[] = [];
    if (filter.hook !== undefined) {
      clauses.push('hook = ?');
      params.push(filter.hook);
    }
    if (filter.pinned !== undefined) {
      clauses.push('pinned = ?');
      params.push(filter.pinned ? 1 : 0);
    }
    if (filter.tag !== undefined) {
      clauses.push('EXISTS (SELECT 1 FROM json_each(recorded_events.tags) WHERE value = ?)');
      params.push(filter.tag);
    }
    return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
  };

  return {
    import(events: readonly RecordedEvent[], options: { tags?: string[]; pinned?: boolean } = {}): EventImport {
      const tags = JSON.stringify(normalizeTags(options.tags ?? []));
      const result: EventImport = { imported: 0, duplicates: 0, duplicateIds: [] };
      writeTransaction(db, () => {
        const importedAt = now();
        for (const recorded of events) {
          if (!isHookId(recorded.hook)) {
            throw new StoreError('INVALID', `Event "${recorded.id}" has an unknown hook "${String(recorded.hook)}".`);
          }
          const changes = insert.run({
            id: recorded.id,
            hook: recorded.hook,
            at: recorded.at ?? null,
            event: JSON.stringify(recorded.event),
            outcome: recorded.outcome === undefined ? null : JSON.stringify(recorded.outcome),
            source: recorded.source ?? null,
            tags,
            pinned: options.pinned ? 1 : 0,
            imported_at: importedAt,
          }).changes;
          if (changes > 0) result.imported += 1;
          else {
            result.duplicates += 1;
            result.duplicateIds.push(recorded.id);
          }
        }
      });
      return result;
    },

    get(id: string): StoredEvent | undefined {
      const row = db.prepare<[string], EventRow>('SELECT * FROM recorded_events WHERE id = ?').get(id);
      return row ? toStoredEvent(row) : undefined;
    },

    /** In import order. */
    list(filter: EventFilter = {}): StoredEvent[] {
      const { sql, params } = where(filter);
      return db
        .prepare<(string | number)[], EventRow>(`SELECT * FROM recorded_events ${sql} ORDER BY rowid LIMIT ? OFFSET ?`)
        .all(...params, filter.limit ?? 1000, filter.offset ?? 0)
        .map(toStoredEvent);
    },

    count(filter: Omit<EventFilter, 'limit' | 'offset'> = {}): number {
      const { sql, params } = where(filter);
      const row = db
        .prepare<(string | number)[], { n: number }>(`SELECT count(*) AS n FROM recorded_events ${sql}`)
        .get(...params);
      return row?.n ?? 0;
    },

    /** Every id in the library: `parseRecordedEvents(text, { knownIds })` counts them as duplicates. */
    ids(): Set<string> {
      return new Set(
        db
          .prepare<[], { id: string }>('SELECT id FROM recorded_events')
          .all()
          .map((row) => row.id),
      );
    },

    /** The regression suite: every pinned event, in import order. */
    pinned(): StoredEvent[] {
      return db
        .prepare<[], EventRow>('SELECT * FROM recorded_events WHERE pinned = 1 ORDER BY rowid')
        .all()
        .map(toStoredEvent);
    },

    /** Returns how many events changed. */
    setPinned(ids: readonly string[], pinned: boolean): number {
      const update = db.prepare('UPDATE recorded_events SET pinned = ? WHERE id = ? AND pinned <> ?');
      return writeTransaction(db, () =>
        ids.reduce((n, id) => n + update.run(pinned ? 1 : 0, id, pinned ? 1 : 0).changes, 0),
      );
    },

    setTags(id: string, tags: readonly string[]): void {
      const changes = db
        .prepare('UPDATE recorded_events SET tags = ? WHERE id = ?')
        .run(JSON.stringify(normalizeTags(tags)), id).changes;
      if (changes === 0) throw new StoreError('NOT_FOUND', `There is no recorded event "${id}".`);
    },

    delete(ids: readonly string[]): number {
      const remove = db.prepare('DELETE FROM recorded_events WHERE id = ?');
      return writeTransaction(db, () => ids.reduce((n, id) => n + remove.run(id).changes, 0));
    },
  };
}

export type RecordedEventQueries = ReturnType<typeof createRecordedEventQueries>;

/** Trimmed, non-empty, unique, in the given order. */
function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag !== ''))];
}

function toStoredEvent(row: EventRow): StoredEvent {
  const where = `recorded event "${row.id}"`;
  const stored: StoredEvent = {
    id: row.id,
    hook: row.hook,
    event: parseStoredJson<JsonObject>(row.event, where),
    tags: parseStoredJson<string[]>(row.tags, where),
    pinned: row.pinned === 1,
    importedAt: isoTime(row.imported_at),
  };
  if (row.at !== null) stored.at = row.at;
  if (row.outcome !== null) stored.outcome = parseStoredJson<JsonValue>(row.outcome, where);
  if (row.source !== null) stored.source = row.source;
  return stored;
}
