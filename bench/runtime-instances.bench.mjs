// Several runtime instances on one PostgreSQL: `node bench/runtime-instances.bench.mjs [--quick]`.
// A throwaway PostgreSQL server (runtime/testing/postgres-server.ts: Debian's `postgresql`
// package, a temporary folder, fsync off) and two runtimes (dist/node/runtime.mjs, child
// processes, one engine worker each, `--database-url` with the safety poll off so that only
// LISTEN/NOTIFY carries the change). This process publishes a new bundle through instance A
// (PUT /v1/bundle, the fixture pipeline renamed each time so its hash changes) and polls instance
// B's GET /v1/health back to back until B reports the new hash.
//   publishMs   the PUT's own latency on A: validation, Lua syntax checks, the compare-and-swap
//               transaction (the same-run baseline)
//   activeOnBMs from sending the PUT to B serving the new bundle: publishMs + the notification +
//               B reading the version and building its plans
// ratio = activeOnB / publish (median): 1 would mean B is serving the bundle as soon as A answers.
// Goal: p95 of activeOnBMs under 1 s (the "active on all instances within a second").
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { importTypeScript, root } from './lib/engine-internals.mjs';
import { emit, log, median, quick, round } from './lib/measure.mjs';
import { bundle } from './lib/pipeline-fixture.mjs';
import { createLoad, percentile, runtimeCommand, runtimeEntry, startRuntimeProcess } from './lib/runtime-load.mjs';

const publishes = quick ? 5 : 20;
const warmups = quick ? 1 : 3;

if (!existsSync(runtimeEntry)) {
  log(`bench: ${runtimeEntry} is missing: run \`node scripts/build-node.mjs\` or \`npm run bench\``);
  process.exit(2);
}
const { startPostgresServer, createTestDatabase } = await importTypeScript({
  file: path.join(root, 'runtime', 'testing', 'postgres-server.ts'),
  name: 'postgres-server',
});

const server = await startPostgresServer();
const workDir = mkdtempSync(path.join(os.tmpdir(), 'runtime-instances-bench-'));
const stops = [];

try {
  const databaseUrl = `${await createTestDatabase(server.url, 'bench')}?safety_poll_ms=0`;
  const env = { ...process.env, PIPELINE_RUNTIME_KEY: randomBytes(32).toString('base64') };
  const config = path.join(workDir, 'config.json');
  writeFileSync(config, JSON.stringify({ workers: 1 }));
  const { token } = await runtimeCommand(
    ['token', 'create', '--scopes', 'publish', '--name', 'bench', '--database-url', databaseUrl],
    env,
  );

  async function start() {
    const runtime = await startRuntimeProcess(['--database-url', databaseUrl, '--config', config], env);
    const load = createLoad({ url: runtime.url, token, clients: 4 });
    stops.push(async () => {
      load.close();
      await runtime.stop();
    });
    return { url: runtime.url, request: load.request };
  }
  const a = await start();
  const b = await start();
  log(`runtimes A ${a.url.origin} and B ${b.url.origin} on ${server.url.replace(/\/[^/]*$/, '/…')}`);

  const publishMs = [];
  const activeOnBMs = [];
  let active = null;
  for (let i = 0; i < warmups + publishes; i++) {
    const next = { ...bundle(), name: `bench-${i}` };
    const started = performance.now();
    const put = await a.request(
      'PUT',
      '/v1/bundle',
      { bundle: next, message: `bench ${i}` },
      { 'if-match': active ? `"${active}"` : '*' },
    );
    const answered = performance.now();
    if (put.status !== 201) throw new Error(`publish ${i}: ${put.status} ${put.text}`);
    active = JSON.parse(put.text).hash;
    for (;;) {
      const health = await b.request('GET', '/v1/health');
      if (JSON.parse(health.text).activeHash === active) break;
      if (performance.now() - started > 30_000) throw new Error(`B did not serve publish ${i} within 30 s`);
    }
    const onB = performance.now();
    if (i >= warmups) {
      publishMs.push(answered - started);
      activeOnBMs.push(onB - started);
    }
    // Publishes a little apart, as people make them: B is idle when the notification arrives.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const figures = (list) => {
    const sorted = [...list].sort((x, y) => x - y);
    return { medianMs: round(median(sorted)), p95Ms: round(percentile(sorted, 95)), maxMs: round(sorted.at(-1)) };
  };
  const publish = figures(publishMs);
  const activeOnB = figures(activeOnBMs);
  const afterAnswer = figures(activeOnBMs.map((ms, i) => ms - publishMs[i]));
  log(
    `  publish on A: median ${publish.medianMs} ms, p95 ${publish.p95Ms} ms; active on B: median ${activeOnB.medianMs} ms, p95 ${activeOnB.p95Ms} ms`,
  );
  emit('runtime-instances', {
    publishes,
    publishOnA: publish,
    activeOnB,
    activeOnBAfterAnswer: afterAnswer,
    ratioActiveOnBVsPublish: round(activeOnB.medianMs / publish.medianMs),
    goals: [
      {
        name: 'p95 publish-to-active on the second instance < 1000 ms',
        met: activeOnB.p95Ms < 1000,
        value: activeOnB.p95Ms,
        target: '< 1000 ms',
      },
    ],
  });
} finally {
  for (const stop of stops.reverse()) await stop();
  server.stop();
  rmSync(workDir, { recursive: true, force: true });
}
