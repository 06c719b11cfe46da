import type { Migration } from './migration';

// The pipeline: per hook, ordered layers of script references (a script's latest version runs),
// the variables scripts read with helpers.env, and the declared secret names. Positions keep the
// order an admin chose, so an exported pipeline.json reads the way it was written. Hook ids are
// checked by the application (the list of hooks may grow; a CHECK here would freeze it).
export const migration003: Migration = {
  version: 3,
  name: '003-pipeline',
  sql: `
CREATE TABLE pipeline_steps (
  hook TEXT NOT NULL,
  layer INTEGER NOT NULL CHECK (layer >= 0),
  position INTEGER NOT NULL CHECK (position >= 0),
  script_id TEXT NOT NULL REFERENCES scripts (id) ON UPDATE CASCADE ON DELETE RESTRICT,
  PRIMARY KEY (hook, layer, position),
  UNIQUE (hook, script_id)
) STRICT;
CREATE INDEX pipeline_steps_by_script ON pipeline_steps (script_id);

CREATE TABLE pipeline_env (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  position INTEGER NOT NULL
) STRICT;

CREATE TABLE pipeline_secrets (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) STRICT;
`,
};
