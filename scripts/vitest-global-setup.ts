import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopSharedPostgres } from '../runtime/testing/postgres-server';
// Declares the provided `postgresStateDir`.
import type {} from '../runtime/testing/use-postgres';
import { buildNode } from './build-node.mjs';

// Worker threads, the CLI and the web host run from dist/node (plain JS): build it once before the
// unit tests so they exercise the same files `npm start` and the CLI run.
// PostgreSQL is lazy: only a folder is provided here; the first test file that needs the server
// starts it there, and the teardown stops it if one did.
export default async function setup(project: TestProject): Promise<() => void> {
  await buildNode();
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'runtime-pg-state-'));
  project.provide('postgresStateDir', stateDir);
  return () => stopSharedPostgres(stateDir);
}
