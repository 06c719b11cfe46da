// The runtime's storage on the hot path: `node bench/runtime-storage.bench.mjs [--quick]`.
// Two runtime processes (dist/node/runtime.mjs, default configuration: one engine worker per core,
// every invocation traced and captured) with the fixture pipeline (5 scripts in 3 layers on
// signup.before) published:
//   sqlite    a data folder (runtime.db; captures written on the runtime's capture thread): the
//             baseline, a single instance as most deployments start
//   postgres  a throwaway PostgreSQL server on loopback (runtime/testing/postgres-server.ts,
//             fsync off) through --database-url: what several instances share (captures are
//             multi-row inserts from the event loop, tokens re-read every 5 s)
// 200 keep-alive clients offer a fixed rate to one of them at a time, the variants taking turns in
// each round: 40% of the SQLite runtime's saturated throughput, measured first. Reported per
// variant: p50 and p99, errors, and whether captures kept up: the captured events stored once the
// load ended against the invocations answered (sample rate 1: every one is captured).
// Also reported: the CPU the PostgreSQL server's processes used during the PostgreSQL rounds, in
// cores: here the server shares the machine's cores with the runtime's engine workers (in a
// deployment it has its own), so part of the difference is that contention, not the storage code.
// Ratio: p99 on PostgreSQL / p99 on SQLite. Goals: no errors, every answered invocation captured
// on PostgreSQL, and p99 on PostgreSQL within 10 ms of SQLite's.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import { importTypeScript, root } from './lib/engine-internals.mjs';
import { emit, log, median, quick, round } from './lib/measure.mjs';
import { bundle, events } from './lib/pipeline-fixture.mjs';
import { createLoad, runtimeCommand, runtimeEntry, startRuntimeProcess } from './lib/runtime-load.mjs';

const clients = 200;
const rounds = quick ? 1 : 3;
const pacedMs = quick ? 2000 : 5000;
const warmupMs = quick ? 1000 : 3000;
const pacedShare = 0.4;

if (!existsSync(runtimeEntry)) {
  log(`bench: ${runtimeEntry} is missing: run \`node scripts/build-node.mjs\` or \`npm run bench\``);
  process.exit(2);
}
const { startPostgresServer, createTestDatabase } = await importTypeScript({
  file: path.join(root, 'runtime', 'testing', 'postgres-server.ts'),
  name: 'postgres-server',
});

const postgres = await startPostgresServer();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'runtime-storage-bench-'));
const env = { ...process.env, PIPELINE_RUNTIME_KEY: randomBytes(32).toString('base64') };
const stops = [];

/** A runtime on this storage, with a token, the fixture published, and how to count its captures. */
async function runtimeOn(name, storageArgs, countCaptured) {
  const { token } = await runtimeCommand(
    ['token', 'create', '--scopes', 'publish,invoke', '--name', 'bench', ...storageArgs],
    env,
  );
  const server = await startRuntimeProcess(storageArgs, env);
  const load = createLoad({ url: server.url, token, clients });
  stops.push(async () => {
    load.close();
    await server.stop();
  });
  const published = await load.request('PUT', '/v1/bundle', { bundle: bundle(), message: name }, { 'if-match': '*' });
  if (published.status !== 201) throw new Error(`${name}: publish failed: ${published.status} ${published.text}`);
  log(`${name}: runtime on ${server.url.origin}`);
  return { name, load, countCaptured };
}

/** CPU seconds used so far by every process named `postgres` (Linux /proc; 0 elsewhere). */
function postgresCpuSeconds() {
  let ticks = 0;
  let pids = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // gone meanwhile
    }
  }
  return ticks / 100; // USER_HZ
}

/** Captures are written in the background: the count once it stops moving (at most 30 s). */
async function settled(variant) {
  let last = -1;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const now = await variant.countCaptured();
    if (now === last || Date.now() > deadline) return now;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

try {
  const databaseUrl = await createTestDatabase(postgres.url, 'bench_storage');
  const sqlite = await runtimeOn('sqlite', ['--data', dataDir], async () => {
    const db = new Database(path.join(dataDir, 'runtime.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT count(*) AS n FROM captured_events').get().n;
    } finally {
      db.close();
    }
  });
  const postgresRuntime = await runtimeOn('postgres', ['--database-url', databaseUrl], async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return Number((await client.query('SELECT count(*) AS n FROM captured_events')).rows[0].n);
    } finally {
      await client.end();
    }
  });
  const variants = [sqlite, postgresRuntime];

  const fixture = events(1000).map((recorded) => recorded.event);
  const target = { path: '/v1/hooks/signup.before', bodies: fixture.map((event) => JSON.stringify({ event })) };

  for (const variant of variants) await variant.load.saturated(target, warmupMs);
  const capacity = (await sqlite.load.saturated(target, quick ? 1500 : 3000)).requestsPerSecond;
  const rate = Math.max(50, Math.round((capacity * pacedShare) / 50) * 50);
  log(`sqlite saturated at ${Math.round(capacity)} req/s; pacing at ${rate}/s`);

  // Captures so far (warm-up and capacity) are left out: counted from here, once written.
  const before = {};
  for (const variant of variants) before[variant.name] = await settled(variant);
  const runs = { sqlite: [], postgres: [] };
  let postgresCpu = 0;
  let postgresWallMs = 0;
  for (let r = 0; r < rounds; r++) {
    for (const variant of variants) {
      const cpuBefore = postgresCpuSeconds();
      const started = performance.now();
      const result = await variant.load.paced(target, rate, pacedMs);
      if (variant === postgresRuntime) {
        postgresCpu += postgresCpuSeconds() - cpuBefore;
        postgresWallMs += performance.now() - started;
      }
      runs[variant.name].push(result);
      log(
        `  round ${r + 1} ${variant.name}: p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ${result.errors} errors`,
      );
    }
  }

  const captured = {};
  for (const variant of variants) captured[variant.name] = (await settled(variant)) - before[variant.name];

  const figures = (name) => {
    const list = runs[name];
    const answered = list.reduce((sum, r) => sum + r.requests - r.errors, 0);
    return {
      requestsPerSecond: Math.round(median(list.map((r) => r.requestsPerSecond))),
      p50Ms: round(median(list.map((r) => r.p50Ms))),
      p99Ms: round(median(list.map((r) => r.p99Ms))),
      errors: list.reduce((sum, r) => sum + r.errors, 0),
      answered,
      captured: captured[name],
    };
  };
  const result = { clients, rate, sqlite: figures('sqlite'), postgres: figures('postgres') };
  result.postgres.serverCores = round(postgresCpu / (postgresWallMs / 1000));
  result.ratioPostgresVsSqliteP99 = round(result.postgres.p99Ms / result.sqlite.p99Ms);
  const addedP99 = round(result.postgres.p99Ms - result.sqlite.p99Ms);
  const errors = result.sqlite.errors + result.postgres.errors;
  emit('runtime-storage', {
    ...result,
    goals: [
      {
        name: 'no errors',
        met: errors === 0,
        value: errors,
        target: 0,
        ...(errors
          ? { detail: JSON.stringify({ sqlite: sqlite.load.errorKinds, postgres: postgresRuntime.load.errorKinds }) }
          : {}),
      },
      {
        name: 'every answered invocation captured on PostgreSQL',
        met: result.postgres.captured === result.postgres.answered,
        value: `${result.postgres.captured}/${result.postgres.answered}`,
        target: 'all',
      },
      {
        name: `p99 on PostgreSQL within 10 ms of SQLite's at ${rate} req/s`,
        met: addedP99 < 10,
        value: addedP99,
        target: '< 10 ms',
      },
    ],
  });
} finally {
  for (const stop of stops.reverse()) await stop();
  postgres.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
