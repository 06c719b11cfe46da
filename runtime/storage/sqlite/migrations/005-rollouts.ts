import type { Migration } from './migration';

// Rollouts (runtime/rollout/rollout-types.ts), created first: the rebuilt bundle_versions refers to
// them. A promoted candidate becomes a version of kind `rollout` naming its rollout, which the CHECK
// on `kind` did not allow, and SQLite cannot change a CHECK: bundle_versions is rebuilt. Foreign keys
// stay on during migrations, so nothing may refer to the old table when it is dropped: its rows and
// the active pointer are parked in temporary tables and put back (oldest first, as a rollback's
// restored_from names an older version). `rollouts_one_running` backs the storage's own check: two
// running rollouts cannot both commit. Candidates are stored by hash in `bundles`, like published
// bundles. Counts are one row per rollout and instance; differences keep their insertion order in
// `seq` for ties in time. `traces_trace_id`: one trace is looked up by id (GET /v1/traces/{traceId}).
export const migration005: Migration = {
  version: 5,
  name: '005-rollouts',
  sql: `
CREATE TABLE rollouts (
  id TEXT PRIMARY KEY,
  mode TEXT NOT NULL CHECK (mode IN ('canary', 'shadow')),
  percent INTEGER NOT NULL CHECK (percent BETWEEN 1 AND 100),
  sticky_by TEXT NOT NULL,
  guard TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'promoted', 'aborted', 'rolled-back')),
  reason TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  author TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  base_version INTEGER NOT NULL REFERENCES bundle_versions (version),
  base_hash TEXT NOT NULL,
  candidate_version INTEGER NOT NULL UNIQUE CHECK (candidate_version >= 1),
  candidate_hash TEXT NOT NULL REFERENCES bundles (hash),
  revision INTEGER NOT NULL CHECK (revision >= 1)
) STRICT;
CREATE UNIQUE INDEX rollouts_one_running ON rollouts (state) WHERE state = 'running';
CREATE INDEX rollouts_started_at ON rollouts (started_at);
CREATE TEMP TABLE active_bundle_during_005 AS SELECT slot, version FROM active_bundle;
CREATE TEMP TABLE bundle_versions_during_005 AS SELECT * FROM bundle_versions;
DELETE FROM active_bundle;
DROP TABLE bundle_versions;
CREATE TABLE bundle_versions (
  version INTEGER PRIMARY KEY CHECK (version >= 1),
  hash TEXT NOT NULL REFERENCES bundles (hash),
  published_at INTEGER NOT NULL,
  author TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('publish', 'rollback', 'rollout')),
  restored_from INTEGER REFERENCES bundle_versions (version),
  rollout_id TEXT REFERENCES rollouts (id),
  CHECK ((kind = 'rollout') = (rollout_id IS NOT NULL))
) STRICT;
INSERT INTO bundle_versions (version, hash, published_at, author, message, kind, restored_from)
  SELECT version, hash, published_at, author, message, kind, restored_from
  FROM temp.bundle_versions_during_005 ORDER BY version;
INSERT INTO active_bundle (slot, version) SELECT slot, version FROM temp.active_bundle_during_005;
DROP TABLE temp.bundle_versions_during_005;
DROP TABLE temp.active_bundle_during_005;
CREATE TABLE rollout_counts (
  rollout_id TEXT NOT NULL REFERENCES rollouts (id),
  instance_id TEXT NOT NULL,
  counts TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (rollout_id, instance_id)
) STRICT;
CREATE TABLE rollout_differences (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  rollout_id TEXT NOT NULL REFERENCES rollouts (id),
  at INTEGER NOT NULL,
  hook TEXT NOT NULL,
  kinds TEXT NOT NULL,
  event TEXT NOT NULL,
  active_outcome TEXT NOT NULL,
  candidate_outcome TEXT NOT NULL,
  active_trace_id TEXT NOT NULL,
  candidate_trace_id TEXT NOT NULL,
  UNIQUE (rollout_id, id)
) STRICT;
CREATE INDEX rollout_differences_rollout_at ON rollout_differences (rollout_id, at);
CREATE INDEX traces_trace_id ON traces (trace_id);
`,
};
