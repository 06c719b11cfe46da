import { createHash } from 'node:crypto';
import { isSafeScriptPath, isValidScriptId, maxTimeoutMs, type OnError } from '../../../shared/engine';
import { StoreError } from '../errors';
import { isoTime, writeTransaction, type QueryContext } from './context';

// Scripts and their immutable versions. Saving the text the latest version already has creates
// nothing (so autosave and re-import do not pile up identical versions); saving an older version's
// text again does create a new version, since the script's history moved on.

export interface ScriptSettings {
  /** Where the script lives in an exported bundle folder (`scripts/<id>.lua` by default). */
  file: string;
  description?: string;
  timeoutMs?: number;
  onError?: OnError;
}

/** A settings change: a field left out stays, `null` clears an optional one. */
export interface ScriptSettingsPatch {
  file?: string;
  description?: string | null;
  timeoutMs?: number | null;
  onError?: OnError | null;
}

export interface ScriptVersionSummary {
  scriptId: string;
  version: number;
  /** SHA-256 (hex) of the source, as the engine and traces show it. */
  contentHash: string;
  message: string;
  createdAt: string;
}
export interface ScriptVersion extends ScriptVersionSummary {
  source: string;
}

export interface Script extends ScriptSettings {
  id: string;
  createdAt: string;
  archived: boolean;
  latest: ScriptVersionSummary;
}

export interface SavedScript {
  version: ScriptVersion;
  /** false when the text equals the latest version's and nothing was written. */
  created: boolean;
}

export function contentHash(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex');
}

interface ScriptRow {
  id: string;
  file: string;
  description: string | null;
  timeout_ms: number | null;
  on_error: OnError | null;
  created_at: number;
  archived_at: number | null;
}
interface VersionRow {
  script_id: string;
  version: number;
  content_hash: string;
  message: string;
  created_at: number;
  source?: string;
}

const versionColumns = 'script_id, version, content_hash, message, created_at';

export function createScriptQueries({ db, now }: QueryContext) {
  const selectScript = db.prepare<[string], ScriptRow>('SELECT * FROM scripts WHERE id = ?');
  const selectScriptIgnoringCase = db.prepare<[string], ScriptRow>('SELECT * FROM scripts WHERE id = ? COLLATE NOCASE');
  const selectLatest = db.prepare<[string], VersionRow>(
    `SELECT ${versionColumns}, source FROM script_versions WHERE script_id = ? ORDER BY version DESC LIMIT 1`,
  );
  const selectVersion = db.prepare<[string, number], VersionRow>(
    `SELECT ${versionColumns}, source FROM script_versions WHERE script_id = ? AND version = ?`,
  );
  const insertScript = db.prepare(
    `INSERT INTO scripts (id, file, description, timeout_ms, on_error, created_at)
     VALUES (@id, @file, @description, @timeout_ms, @on_error, @created_at)`,
  );
  const insertVersion = db.prepare(
    `INSERT INTO script_versions (script_id, version, content_hash, source, message, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );

  const toScript = (row: ScriptRow): Script => {
    const latest = selectLatest.get(row.id);
    if (!latest) throw new StoreError('CORRUPT', `Script "${row.id}" has no version.`);
    const script: Script = {
      id: row.id,
      file: row.file,
      createdAt: isoTime(row.created_at),
      archived: row.archived_at !== null,
      latest: toSummary(latest),
    };
    if (row.description !== null) script.description = row.description;
    if (row.timeout_ms !== null) script.timeoutMs = row.timeout_ms;
    if (row.on_error !== null) script.onError = row.on_error;
    return script;
  };

  const requireScript = (id: string): ScriptRow => {
    const row = selectScript.get(id);
    if (!row) throw new StoreError('NOT_FOUND', `There is no script "${id}".`);
    return row;
  };

  const applySettings = (id: string, patch: ScriptSettingsPatch): void => {
    checkSettings(patch);
    const columns: [string, string | number | null][] = [];
    if (patch.file !== undefined) columns.push(['file', patch.file]);
    if (patch.description !== undefined) columns.push(['description', patch.description]);
    if (patch.timeoutMs !== undefined) columns.push(['timeout_ms', patch.timeoutMs]);
    if (patch.onError !== undefined) columns.push(['on_error', patch.onError]);
    if (columns.length === 0) return;
    const assignments = columns.map(([column]) => `${column} = ?`).join(', ');
    db.prepare(`UPDATE scripts SET ${assignments} WHERE id = ?`).run(...columns.map(([, value]) => value), id);
  };

  return {
    /** Saves `source` as the script's next version, creating the script on first save. */
    save(id: string, source: string, options: { message?: string; settings?: ScriptSettingsPatch } = {}): SavedScript {
      return writeTransaction(db, () => {
        const existing = selectScript.get(id);
        if (!existing) {
          if (!isValidScriptId(id)) {
            throw new StoreError(
              'INVALID',
              `Script id "${id}" must be 1–64 letters, digits, "-" or "_", starting with a letter or digit.`,
            );
          }
          const clash = selectScriptIgnoringCase.get(id);
          if (clash) throw new StoreError('CONFLICT', `Script "${clash.id}" already exists (ids ignore case).`);
          const settings = options.settings ?? {};
          checkSettings(settings);
          insertScript.run({
            id,
            file: settings.file ?? `scripts/${id}.lua`,
            description: settings.description ?? null,
            timeout_ms: settings.timeoutMs ?? null,
            on_error: settings.onError ?? null,
            created_at: now(),
          });
        } else {
          if (existing.archived_at !== null) db.prepare('UPDATE scripts SET archived_at = NULL WHERE id = ?').run(id);
          if (options.settings) applySettings(id, options.settings);
        }
        const hash = contentHash(source);
        const latest = selectLatest.get(id);
        if (latest && latest.content_hash === hash) return { version: toVersion(latest), created: false };
        const version = (latest?.version ?? 0) + 1;
        const createdAt = now();
        const message = options.message ?? '';
        insertVersion.run(id, version, hash, source, message, createdAt);
        return {
          version: { scriptId: id, version, contentHash: hash, message, createdAt: isoTime(createdAt), source },
          created: true,
        };
      });
    },

    get(id: string): Script | undefined {
      const row = selectScript.get(id);
      return row ? toScript(row) : undefined;
    },

    list(options: { includeArchived?: boolean } = {}): Script[] {
      const where = options.includeArchived ? '' : 'WHERE archived_at IS NULL';
      return db.prepare<[], ScriptRow>(`SELECT * FROM scripts ${where} ORDER BY id`).all().map(toScript);
    },

    /** The latest version with its text; undefined for an unknown script. */
    latest(id: string): ScriptVersion | undefined {
      const row = selectLatest.get(id);
      return row ? toVersion(row) : undefined;
    },

    version(id: string, version: number): ScriptVersion | undefined {
      const row = selectVersion.get(id, version);
      return row ? toVersion(row) : undefined;
    },

    /** Every version, newest first, without their text. */
    versions(id: string): ScriptVersionSummary[] {
      return db
        .prepare<[string], VersionRow>(
          `SELECT ${versionColumns} FROM script_versions WHERE script_id = ? ORDER BY version DESC`,
        )
        .all(id)
        .map(toSummary);
    },

    /** Versions (of any script) with this content hash: which script a trace's hash refers to. */
    findByHash(hash: string): ScriptVersionSummary[] {
      return db
        .prepare<[string], VersionRow>(
          `SELECT ${versionColumns} FROM script_versions WHERE content_hash = ? ORDER BY script_id, version`,
        )
        .all(hash)
        .map(toSummary);
    },

    updateSettings(id: string, patch: ScriptSettingsPatch): Script {
      return writeTransaction(db, () => {
        requireScript(id);
        applySettings(id, patch);
        return toScript(requireScript(id));
      });
    },

    /** Takes a script out of the workspace, keeping its versions; refused while a hook uses it. */
    archive(id: string): void {
      writeTransaction(db, () => {
        requireScript(id);
        const hooks = db
          .prepare<[string], { hook: string }>(
            'SELECT DISTINCT hook FROM pipeline_steps WHERE script_id = ? ORDER BY hook',
          )
          .all(id)
          .map((row) => row.hook);
        if (hooks.length > 0) {
          throw new StoreError(
            'CONFLICT',
            `Script "${id}" is still used by ${hooks.join(', ')}; remove it there first.`,
          );
        }
        db.prepare('UPDATE scripts SET archived_at = ? WHERE id = ? AND archived_at IS NULL').run(now(), id);
      });
    },
  };
}

export type ScriptQueries = ReturnType<typeof createScriptQueries>;

function checkSettings(patch: ScriptSettingsPatch): void {
  if (patch.file !== undefined && !isSafeScriptPath(patch.file)) {
    throw new StoreError('INVALID', `"${patch.file}" must be a relative path to a .lua file inside the bundle folder.`);
  }
  const timeout = patch.timeoutMs;
  if (
    timeout !== undefined &&
    timeout !== null &&
    (!Number.isInteger(timeout) || timeout < 1 || timeout > maxTimeoutMs)
  ) {
    throw new StoreError('INVALID', `timeoutMs must be a whole number from 1 to ${maxTimeoutMs}.`);
  }
}

function toSummary(row: VersionRow): ScriptVersionSummary {
  return {
    scriptId: row.script_id,
    version: row.version,
    contentHash: row.content_hash,
    message: row.message,
    createdAt: isoTime(row.created_at),
  };
}

function toVersion(row: VersionRow): ScriptVersion {
  return { ...toSummary(row), source: row.source ?? '' };
}
