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
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { importTypeScript, root } from './lib/engine-internals.mjs';
import { emit, log, median, quick, round } from './lib/measure.mjs';
import { bundle } from './lib/pipeline-fixture.mjs';

const publishes = quick ? 5 : 20;
const warmups = quick ? 1 : 3;

const entry = path.join(root, 'dist', 'node', 'runtime.mjs');
if (!existsSync(entry)) {
  log(`bench: ${entry} is missing: run \`node scripts/build-node.mjs\` or \`npm run bench\``);
  process.exit(2);
}
const { startPostgresServer, createTestDatabase } = await importTypeScript({
  file: path.join(root, 'runtime', 'testing', 'postgres-server.ts'),
  name: 'postgres-server',
});

const server = await startPostgresServer();
const workDir = mkdtempSync(path.join(os.tmpdir(), 'runtime-instances-bench-'));
const children = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function request(base, method, pathname, { token, body, headers = {} } = {}) {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path: pathname,
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, json: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', (error) => resolve({ status: 0, json: { error: error.message } }));
    req.end(payload);
  });
}

try {
  const databaseUrl = `${await createTestDatabase(server.url, 'bench')}?safety_poll_ms=0`;
  const env = { ...process.env, PIPELINE_RUNTIME_KEY: randomBytes(32).toString('base64') };
  const config = path.join(workDir, 'config.json');
  writeFileSync(config, JSON.stringify({ workers: 1 }));

  const created = await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [entry, 'token', 'create', '--scopes', 'publish', '--name', 'bench', '--database-url', databaseUrl],
      { env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`token create: ${code}`))));
  });
  const { token } = created;

  async function start(name) {
    const child = spawn(process.execPath, [entry, '--port', '0', '--database-url', databaseUrl, '--config', config], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const listening = await new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line).listening));
      child.once('exit', (code) => reject(new Error(`runtime ${name} exited (${code}) before listening`)));
    });
    return new URL(listening);
  }
  const a = await start('A');
  const b = await start('B');
  log(`runtimes A ${a.origin} and B ${b.origin} on ${server.url.replace(/\/[^/]*$/, '/…')}`);

  const publishMs = [];
  const activeOnBMs = [];
  let active = null;
  for (let i = 0; i < warmups + publishes; i++) {
    const next = { ...bundle(), name: `bench-${i}` };
    const started = performance.now();
    const put = await request(a, 'PUT', '/v1/bundle', {
      token,
      body: { bundle: next, message: `bench ${i}` },
      headers: { 'if-match': active ? `"${active}"` : '*' },
    });
    const answered = performance.now();
    if (put.status !== 201) throw new Error(`publish ${i}: ${put.status} ${JSON.stringify(put.json)}`);
    active = put.json.hash;
    for (;;) {
      const health = await request(b, 'GET', '/v1/health');
      if (health.json.activeHash === active) break;
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
  agent.destroy();
  for (const child of children) {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
  }
  server.stop();
  rmSync(workDir, { recursive: true, force: true });
}
