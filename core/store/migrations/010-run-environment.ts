import type { Migration } from './migration';

// A replay run remembers whose keychain secrets its scripts read (the environment chosen under
// "Secrets from", or the CLI's --env), so that "Replay again" reads the same ones and the run's
// header can say which. Runs from before this migration have none: they read staging's, the
// default then, and "Replay again" keeps that default.
export const migration010: Migration = {
  version: 10,
  name: '010-run-environment',
  sql: `
ALTER TABLE replay_runs ADD COLUMN environment TEXT;
`,
};
