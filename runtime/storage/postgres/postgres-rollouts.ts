import type pg from 'pg';
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
import { changeChannel, changePayload } from './change-feed';
import { inTransaction } from './transaction';

// The rollouts (types.ts, "rollouts") on PostgreSQL. What may change the active bundle or take a
// version number (start, promote, and activate in postgres-storage.ts) first locks the one
// active-pointer row, so they are serialised across every instance, and READ COMMITTED gives each
// later statement a fresh snapshot: whoever waited sees the winner's rollout. Percent and end
// change the running row with one conditional UPDATE, which PostgreSQL re-checks against the
// newest row version when two race: only one ends it. Every state change NOTIFYs
// `{ kind: 'rollout', id, revision }` inside its transaction (sent when it commits); counts and
// differences do not (each instance reads them when it needs them).

type Client = pg.ClientBase;

/** Locks the active pointer for the rest of the transaction; its version, null when none is active. */
export async function lockActivePointer(client: Client): Promise<number | null> {
  const pointer = await client.query<{ version: number | null }>(
    'SELECT version FROM active_bundle WHERE slot = 1 FOR UPDATE',
  );
  if (pointer.rows.length === 0) throw new Error('the active_bundle row is missing: the schema was altered');
  return pointer.rows[0]?.version ?? null;
}

/** The next version number: after every version and every candidate's reserved one, never reused. */
export async function nextVersionNumber(client: Client): Promise<number> {
  const { rows } = await client.query<{ version: number }>(
    `SELECT GREATEST(COALESCE((SELECT MAX(version) FROM bundle_versions), 0),
                     COALESCE((SELECT MAX(candidate_version) FROM rollouts), 0)) + 1 AS version`,
  );
  return rows[0]?.version ?? 1;
}

/** The running rollout's id, if one runs (at most one: `rollouts_one_running`). */
export async function runningRolloutId(client: Client): Promise<string | undefined> {
  const { rows } = await client.query<{ id: string }>("SELECT id FROM rollouts WHERE state = 'running'");
  return rows[0]?.id;
}

async function notifyRollout(client: Client, rollout: StoredRollout): Promise<void> {
  await client.query('SELECT pg_notify($1, $2)', [
    changeChannel,
    changePayload({ kind: 'rollout', id: rollout.id, revision: rollout.revision }),
  ]);
}

export class PostgresRollouts {
  constructor(private readonly pool: pg.Pool) {}

  start(expectedHash: string, next: NewRollout): Promise<StartRolloutResult> {
    return inTransaction(this.pool, async (client): Promise<StartRolloutResult> => {
      const current = await lockActivePointer(client);
      let active: { version: number; hash: string } | undefined;
      if (current !== null) {
        const { rows } = await client.query<{ hash: string }>('SELECT hash FROM bundle_versions WHERE version = $1', [
          current,
        ]);
        if (rows[0]) active = { version: current, hash: rows[0].hash };
      }
      const activeHash = active?.hash ?? null;
      const running = await runningRolloutId(client);
      if (running !== undefined) return { ok: false, activeHash, rolloutId: running };
      if (!active || active.hash !== expectedHash) return { ok: false, activeHash };
      await client.query('INSERT INTO bundles (hash, content) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING', [
        next.candidateHash,
        JSON.stringify(next.candidate),
      ]);
      const rollout = startedRollout(next, active, await nextVersionNumber(client));
      const values = rolloutValues(rollout);
      await client.query(
        `INSERT INTO rollouts (${rolloutColumns}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`,
        values,
      );
      await notifyRollout(client, rollout);
      return { ok: true, rollout };
    });
  }

  async current(): Promise<StoredRollout | undefined> {
    const { rows } = await this.pool.query<RolloutRow>(`${rolloutSelect} ${newestRolloutFirst} LIMIT 1`);
    return rows[0] ? toRollout(rows[0]) : undefined;
  }

  setPercent(id: string, percent: number): Promise<StoredRollout | undefined> {
    return inTransaction(this.pool, (client) => this.changeRunning(client, id, 'percent = $2', [percent]));
  }

  end(
    id: string,
    end: { state: 'aborted' | 'rolled-back'; reason: string; at: number },
  ): Promise<StoredRollout | undefined> {
    return inTransaction(this.pool, (client) =>
      this.changeRunning(client, id, 'state = $2, reason = $3, ended_at = $4', [end.state, end.reason, end.at]),
    );
  }

  promote(
    id: string,
    promotion: { at: number; author: string; message: string },
  ): Promise<{ rollout: StoredRollout; active: StoredBundleVersion } | undefined> {
    return inTransaction(this.pool, async (client) => {
      const activeVersion = await lockActivePointer(client);
      const rollout = await this.changeRunning(client, id, "state = 'promoted', reason = $2, ended_at = $3", [
        promotedReason(promotion.author),
        promotion.at,
      ]);
      if (!rollout) return undefined;
      if (activeVersion !== rollout.baseVersion) {
        // activate refuses while a rollout runs, so only a hand-edited database gets here: promoting
        // now would silently replace a version nobody rolled out. The transaction rolls back.
        throw new Error(
          `rollout ${id} cannot be promoted: its base version ${rollout.baseVersion} is no longer active (the database was changed by hand)`,
        );
      }
      await client.query(
        `INSERT INTO bundle_versions (version, hash, published_at, author, message, kind, rollout_id)
         VALUES ($1, $2, $3, $4, $5, 'rollout', $6)`,
        [rollout.candidateVersion, rollout.candidateHash, promotion.at, promotion.author, promotion.message, id],
      );
      await client.query('UPDATE active_bundle SET version = $1 WHERE slot = 1', [rollout.candidateVersion]);
      await client.query('SELECT pg_notify($1, $2)', [
        changeChannel,
        changePayload({ kind: 'activated', version: rollout.candidateVersion }),
      ]);
      const active: StoredBundleVersion = {
        version: rollout.candidateVersion,
        hash: rollout.candidateHash,
        publishedAt: promotion.at,
        author: promotion.author,
        message: promotion.message,
        kind: 'rollout',
        rolloutId: id,
        bundle: rollout.candidate,
      };
      return { rollout, active };
    });
  }

  async putCounts(rolloutId: string, instanceId: string, counts: RolloutCounts, now: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO rollout_counts (rollout_id, instance_id, counts, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (rollout_id, instance_id) DO UPDATE SET counts = excluded.counts, updated_at = excluded.updated_at`,
      [rolloutId, instanceId, JSON.stringify(counts), now],
    );
  }

  async counts(rolloutId: string): Promise<RolloutCounts[]> {
    const { rows } = await this.pool.query<{ counts: string }>(
      'SELECT counts FROM rollout_counts WHERE rollout_id = $1 ORDER BY instance_id',
      [rolloutId],
    );
    return rows.map((row) => parseCounts(row.counts));
  }

  async appendDifferences(differences: readonly StoredDifference[], keep: number): Promise<void> {
    if (differences.length === 0) return;
    // One JSON parameter unpacked in order (as appendCaptured does): `seq` follows the batch's order.
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO rollout_differences (${differenceColumns})
         SELECT d->>0, d->>1, (d->>2)::bigint, d->>3, d->>4, d->>5, d->>6, d->>7, d->>8, d->>9
           FROM json_array_elements($1::json) WITH ORDINALITY AS t (d, ord) ORDER BY ord
         ON CONFLICT (rollout_id, id) DO NOTHING`,
        [JSON.stringify(differences.map(differenceValues))],
      );
      await client.query(
        `DELETE FROM rollout_differences d WHERE d.rollout_id = ANY ($1::text[]) AND d.seq NOT IN (
           SELECT k.seq FROM rollout_differences k WHERE k.rollout_id = d.rollout_id
           ORDER BY k.at DESC, k.seq DESC LIMIT $2)`,
        [[...new Set(differences.map((d) => d.rolloutId))], Math.max(0, keep)],
      );
    });
  }

  async differences(rolloutId: string, limit: number): Promise<StoredDifference[]> {
    const { rows } = await this.pool.query<DifferenceRow>(
      `SELECT ${differenceColumns} FROM rollout_differences WHERE rollout_id = $1 ORDER BY at DESC, seq DESC LIMIT $2`,
      [rolloutId, limit],
    );
    return rows.map(toDifference);
  }

  /** Changes rollout `id` only while it runs (revision + 1) and announces it; `set` uses $2 on. */
  private async changeRunning(
    client: Client,
    id: string,
    set: string,
    values: unknown[],
  ): Promise<StoredRollout | undefined> {
    const updated = await client.query<{ id: string }>(
      `UPDATE rollouts SET ${set}, revision = revision + 1 WHERE id = $1 AND state = 'running' RETURNING id`,
      [id, ...values],
    );
    if (updated.rows.length === 0) return undefined;
    const { rows } = await client.query<RolloutRow>(`${rolloutSelect} WHERE r.id = $1`, [id]);
    const rollout = toRollout(rows[0] as RolloutRow);
    await notifyRollout(client, rollout);
    return rollout;
  }
}
