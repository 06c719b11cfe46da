import { isHookId, type HookId } from '../../../shared/hooks';
import type { JsonObject, JsonValue, RecordedEvent } from '../../../shared/engine';
import { StoreError } from '../errors';
import { isoTime, parseStoredJson, writeTransaction, type QueryContext } from './context';

// The library of recorded events. Import keeps the first event with a given id (what is already
// in the library wins, as do earlier lines of the same file) and counts the others as duplicates,
// so importing the same capture twice is harmless. Pinned events are the regression suite.
// Time filters read `at_ms`, the event's `at` as SQLite's date parser reads it (migration 009);
// the text filter folds ASCII case only (SQLite's lower()), which covers ids, emails and codes.

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
  /** Exactly this source. */
  source?: string;
  /** Recorded (`at`) at or after this time, epoch ms; events without a readable `at` are left out. */
  fromMs?: number;
  /** Recorded before this time, epoch ms. */
  toMs?: number;
  /** In the id or the payload's JSON text, ignoring ASCII case. */
  text?: string;
  /** Default 1000; null for every match. */
  limit?: number | null;
  offset?: number;
}

export interface EventFacets {
  total: number;
  pinned: number;
  hooks: { hook: HookId; count: number }[];
  sources: string[];
  tags: string[];
}

interface EventRow {
  id: string;
  hook: HookId;
  at: string | null;
  at_ms: number | null;
  event: string;
  outcome: string | null;
  source: string | null;
  tags: string;
  pinned: number;
  imported_at: number;
}

export function createRecordedEventQueries({ db, now }: QueryContext) {
  // at_ms as in migration 009: one parser for old rows and new ones.
  const atMs = "CAST(unixepoch(@at, 'subsec') * 1000 AS INTEGER)";
  const insert = db.prepare(
    `INSERT INTO recorded_events (id, hook, at, at_ms, event, outcome, source, tags, pinned, imported_at)
     VALUES (@id, @hook, @at, ${atMs}, @event, @outcome, @source, @tags, @pinned, @imported_at)
     ON CONFLICT (id) DO NOTHING`,
  );
  const replaceRecord = db.prepare(
    `UPDATE recorded_events SET hook = @hook, at = @at, at_ms = ${atMs}, event = @event, outcome = @outcome,
       source = @source WHERE id = @id`,
  );
  const recordColumns = (recorded: RecordedEvent) => {
    if (!isHookId(recorded.hook)) {
      throw new StoreError('INVALID', `Event "${recorded.id}" has an unknown hook "${String(recorded.hook)}".`);
    }
    return {
      id: recorded.id,
      hook: recorded.hook,
      at: recorded.at ?? null,
      event: JSON.stringify(recorded.event),
      outcome: recorded.outcome === undefined ? null : JSON.stringify(recorded.outcome),
      source: recorded.source ?? null,
    };
  };

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
    if (filter.source !== undefined) {
      clauses.push('source = ?');
      params.push(filter.source);
    }
    if (filter.fromMs !== undefined) {
      clauses.push('at_ms >= ?');
      params.push(Math.floor(filter.fromMs));
    }
    if (filter.toMs !== undefined) {
      clauses.push('at_ms < ?');
      params.push(Math.floor(filter.toMs));
    }
    if (filter.text !== undefined && filter.text !== '') {
      clauses.push('(instr(lower(id), lower(?)) > 0 OR instr(lower(event), lower(?)) > 0)');
      params.push(filter.text, filter.text);
    }
    return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
  };

  const mustGet = (id: string): StoredEvent => {
    const row = db.prepare<[string], EventRow>('SELECT * FROM recorded_events WHERE id = ?').get(id);
    if (!row) throw new StoreError('NOT_FOUND', `There is no recorded event "${id}".`);
    return toStoredEvent(row);
  };

  return {
    import(events: readonly RecordedEvent[], options: { tags?: string[]; pinned?: boolean } = {}): EventImport {
      const tags = JSON.stringify(normalizeTags(options.tags ?? []));
      const result: EventImport = { imported: 0, duplicates: 0, duplicateIds: [] };
      writeTransaction(db, () => {
        const importedAt = now();
        for (const recorded of events) {
          const changes = insert.run({
            ...recordColumns(recorded),
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

    /** Adds one event; CONFLICT when the library has its id. */
    create(recorded: RecordedEvent, options: { tags?: string[]; pinned?: boolean } = {}): StoredEvent {
      return writeTransaction(db, () => {
        const changes = insert.run({
          ...recordColumns(recorded),
          tags: JSON.stringify(normalizeTags(options.tags ?? [])),
          pinned: options.pinned ? 1 : 0,
          imported_at: now(),
        }).changes;
        if (changes === 0) {
          throw new StoreError('CONFLICT', `The library already has an event "${recorded.id}".`);
        }
        return mustGet(recorded.id);
      });
    },

    /** Replaces an event's record (hook, payload, at, outcome, source); its tags, pin and import time stay. */
    replace(recorded: RecordedEvent): StoredEvent {
      return writeTransaction(db, () => {
        if (replaceRecord.run(recordColumns(recorded)).changes === 0) {
          throw new StoreError('NOT_FOUND', `There is no recorded event "${recorded.id}".`);
        }
        return mustGet(recorded.id);
      });
    },

    /** The events with these ids, in the order asked (each once); `missing` lists the unknown ids. */
    getMany(ids: readonly string[]): { events: StoredEvent[]; missing: string[] } {
      const found = new Map<string, StoredEvent>();
      const unique = [...new Set(ids)];
      // Bound parameters per statement stay well under SQLite's limit (32766).
      for (let i = 0; i < unique.length; i += 500) {
        const chunk = unique.slice(i, i + 500);
        const rows = db
          .prepare<string[], EventRow>(`SELECT * FROM recorded_events WHERE id IN (${chunk.map(() => '?').join(', ')})`)
          .all(...chunk);
        for (const row of rows) found.set(row.id, toStoredEvent(row));
      }
      const events: StoredEvent[] = [];
      const missing: string[] = [];
      for (const id of unique) {
        const event = found.get(id);
        if (event) events.push(event);
        else missing.push(id);
      }
      return { events, missing };
    },

    /** In import order. */
    list(filter: EventFilter = {}): StoredEvent[] {
      const { sql, params } = where(filter);
      const limit = filter.limit === null ? -1 : (filter.limit ?? 1000);
      return db
        .prepare<(string | number)[], EventRow>(`SELECT * FROM recorded_events ${sql} ORDER BY rowid LIMIT ? OFFSET ?`)
        .all(...params, limit, filter.offset ?? 0)
        .map(toStoredEvent);
    },

    /** What the library's filter menus offer: counts per hook (in hook-id order), sources and tags. */
    facets(): EventFacets {
      const counts = db
        .prepare<[], { total: number; pinned: number | null }>(
          'SELECT count(*) AS total, sum(pinned) AS pinned FROM recorded_events',
        )
        .get();
      const hooks = db
        .prepare<[], { hook: HookId; count: number }>(
          'SELECT hook, count(*) AS count FROM recorded_events GROUP BY hook ORDER BY hook',
        )
        .all();
      const sources = db
        .prepare<[], { source: string }>(
          'SELECT DISTINCT source FROM recorded_events WHERE source IS NOT NULL ORDER BY source',
        )
        .all()
        .map((row) => row.source);
      const tags = db
        .prepare<[], { tag: string }>(
          'SELECT DISTINCT tags.value AS tag FROM recorded_events, json_each(recorded_events.tags) AS tags ORDER BY tag',
        )
        .all()
        .map((row) => row.tag);
      return { total: counts?.total ?? 0, pinned: counts?.pinned ?? 0, hooks, sources, tags };
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
