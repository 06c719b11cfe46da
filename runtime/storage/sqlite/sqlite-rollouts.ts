import type Database from 'better-sqlite3';
import type { NewRollout, RolloutCounts, StoredDifference, StoredRollout } from '../../rollout/rollout-types';
import {
  differenceColumns,
  differenceValues,
  newestRolloutFirst,
  parseCounts,
  promotedReason,
  rolloutColumns,
  rolloutSelect,
  rolloutValues,
  startedRollout,
  toDifference,
  toRollout,
  type DifferenceRow,
  type RolloutRow,
} from '../rollout-rows';
import type { StartRolloutResult, StoredBundleVersion } from '../types';

// runtime.db's rollouts (types.ts, "rollouts"), on the control connection: a rollout's state
// decides which bundle answers, so it gets the same durability as a publish (synchronous FULL).
// Every state change is one IMMEDIATE transaction, the write lock taken before anything is read,
// so that two connections (two processes on one data folder) cannot both start a rollout or both
// end one. Counts and differences are small writes (about one a second) and go there too.

/** The next version number: after every version and every candidate's reserved one, never reused. */
export function nextVersionNumber(db: Database.Database): number {
  const row = db
    .prepare(
      `SELECT MAX(COALESCE((SELECT MAX(version) FROM bundle_versions), 0),
                  COALESCE((SELECT MAX(candidate_version) FROM rollouts), 0)) + 1 AS version`,
    )
    .get() as { version: number };
  return row.version;
}

/** The running rollout's id, if one runs (at most one: `rollouts_one_running`). */
export function runningRolloutId(db: Database.Database): string | undefined {
  const row = db.prepare("SELECT id FROM rollouts WHERE state = 'running'").get() as { id: string } | undefined;
  return row?.id;
}

export class SqliteRollouts {
  constructor(private readonly db: Database.Database) {}

  start(expectedHash: string, next: NewRollout): StartRolloutResult {
    const start = this.db.transaction((): StartRolloutResult => {
      const active = this.db
        .prepare(
          'SELECT v.version, v.hash FROM active_bundle a JOIN bundle_versions v USING (version) WHERE a.slot = 1',
        )
        .get() as { version: number; hash: string } | undefined;
      const activeHash = active?.hash ?? null;
      const running = runningRolloutId(this.db);
      if (running !== undefined) return { ok: false, activeHash, rolloutId: running };
      if (!active || active.hash !== expectedHash) return { ok: false, activeHash };
      this.db
        .prepare('INSERT OR IGNORE INTO bundles (hash, content) VALUES (?, ?)')
        .run(next.candidateHash, JSON.stringify(next.candidate));
      const rollout = startedRollout(next, active, nextVersionNumber(this.db));
      const values = rolloutValues(rollout);
      this.db
        .prepare(`INSERT INTO rollouts (${rolloutColumns}) VALUES (${values.map(() => '?').join(', ')})`)
        .run(...values);
      return { ok: true, rollout };
    });
    return start.immediate();
  }

  current(): StoredRollout | undefined {
    const row = this.db.prepare(`${rolloutSelect} ${newestRolloutFirst} LIMIT 1`).get() as RolloutRow | undefined;
    return row ? toRollout(row) : undefined;
  }

  setPercent(id: string, percent: number): StoredRollout | undefined {
    return this.changeRunning(id, 'percent = ?', [percent]);
  }

  end(id: string, end: { state: 'aborted' | 'rolled-back'; reason: string; at: number }): StoredRollout | undefined {
    return this.changeRunning(id, 'state = ?, reason = ?, ended_at = ?', [end.state, end.reason, end.at]);
  }

  promote(
    id: string,
    promotion: { at: number; author: string; message: string },
  ): { rollout: StoredRollout; active: StoredBundleVersion } | undefined {
    const promote = this.db.transaction(() => {
      const before = this.running(id);
      if (!before) return undefined;
      const active = this.db.prepare('SELECT version FROM active_bundle WHERE slot = 1').get() as
        { version: number } | undefined;
      if (active?.version !== before.baseVersion) {
        // activate refuses while a rollout runs, so only a hand-edited database gets here: promoting
        // now would silently replace a version nobody rolled out.
        throw new Error(
          `rollout ${id} cannot be promoted: its base version ${before.baseVersion} is no longer active (the database was changed by hand)`,
        );
      }
      this.db
        .prepare(
          `INSERT INTO bundle_versions (version, hash, published_at, author, message, kind, rollout_id)
           VALUES (?, ?, ?, ?, ?, 'rollout', ?)`,
        )
        .run(before.candidateVersion, before.candidateHash, promotion.at, promotion.author, promotion.message, id);
      this.db.prepare('UPDATE active_bundle SET version = ? WHERE slot = 1').run(before.candidateVersion);
      const rollout = this.update(id, "state = 'promoted', reason = ?, ended_at = ?", [
        promotedReason(promotion.author),
        promotion.at,
      ]);
      const record: StoredBundleVersion = {
        version: before.candidateVersion,
        hash: before.candidateHash,
        publishedAt: promotion.at,
        author: promotion.author,
        message: promotion.message,
        kind: 'rollout',
        rolloutId: id,
        bundle: before.candidate,
      };
      return { rollout, active: record };
    });
    return promote.immediate();
  }

  putCounts(rolloutId: string, instanceId: string, counts: RolloutCounts, now: number): void {
    this.db
      .prepare(
        `INSERT INTO rollout_counts (rollout_id, instance_id, counts, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (rollout_id, instance_id) DO UPDATE SET counts = excluded.counts, updated_at = excluded.updated_at`,
      )
      .run(rolloutId, instanceId, JSON.stringify(counts), now);
  }

  counts(rolloutId: string): RolloutCounts[] {
    const rows = this.db
      .prepare('SELECT counts FROM rollout_counts WHERE rollout_id = ? ORDER BY instance_id')
      .all(rolloutId) as { counts: string }[];
    return rows.map((row) => parseCounts(row.counts));
  }

  appendDifferences(differences: readonly StoredDifference[], keep: number): void {
    if (differences.length === 0) return;
    const insert = this.db.prepare(
      `INSERT INTO rollout_differences (${differenceColumns}) VALUES (${differenceColumns
        .split(',')
        .map(() => '?')
        .join(', ')}) ON CONFLICT (rollout_id, id) DO NOTHING`,
    );
    const trim = this.db.prepare(
      `DELETE FROM rollout_differences WHERE rollout_id = @rolloutId AND seq NOT IN (
         SELECT seq FROM rollout_differences WHERE rollout_id = @rolloutId ORDER BY at DESC, seq DESC LIMIT @keep)`,
    );
    this.db.transaction(() => {
      for (const difference of differences) insert.run(...differenceValues(difference));
      for (const rolloutId of new Set(differences.map((d) => d.rolloutId))) {
        trim.run({ rolloutId, keep: Math.max(0, keep) });
      }
    })();
  }

  differences(rolloutId: string, limit: number): StoredDifference[] {
    const rows = this.db
      .prepare(
        `SELECT ${differenceColumns} FROM rollout_differences WHERE rollout_id = ? ORDER BY at DESC, seq DESC LIMIT ?`,
      )
      .all(rolloutId, limit) as DifferenceRow[];
    return rows.map(toDifference);
  }

  private running(id: string): StoredRollout | undefined {
    const row = this.db.prepare(`${rolloutSelect} WHERE r.id = ? AND r.state = 'running'`).get(id) as
      RolloutRow | undefined;
    return row ? toRollout(row) : undefined;
  }

  /** Changes rollout `id` only while it runs, in one IMMEDIATE transaction. */
  private changeRunning(id: string, set: string, values: unknown[]): StoredRollout | undefined {
    const change = this.db.transaction(() => (this.running(id) ? this.update(id, set, values) : undefined));
    return change.immediate();
  }

  private update(id: string, set: string, values: unknown[]): StoredRollout {
    this.db.prepare(`UPDATE rollouts SET ${set}, revision = revision + 1 WHERE id = ?`).run(...values, id);
    const row = this.db.prepare(`${rolloutSelect} WHERE r.id = ?`).get(id) as RolloutRow;
    return toRollout(row);
  }
}
