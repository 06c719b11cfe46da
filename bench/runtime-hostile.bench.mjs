// Hostile input against the reference runtime: `node bench/runtime-hostile.bench.mjs [--quick]`.
// The runtime (dist/node/runtime.mjs, default configuration, SQLite, every invocation captured)
// runs as a child process with the fixture pipeline published. While one attacker client sends
// invocations back to back, paced probes measure what everyone else sees: GET /v1/health and
// fixture sign-ups through the pipeline. Two variants take turns in each round:
//   benign   the attacker's events are as large as the hostile ones (names of ~1 MB of ordinary
//            words, flat events of the deep ones' size): what big payloads cost by their size
//   hostile  the same sizes shaped to make patterns backtrack (letters after "@" and ".", digits
//            and dots, hex and colons, "=" runs, percent escapes) and events 20,000 levels deep
// Figures: p50/p99 of both probes per variant; goal: hostile p99 / benign p99 <= 1.5 for both,
// no probe errors, and the runtime healthy afterwards.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { emit, log, median, quick, round } from './lib/measure.mjs';
import { bundle, events } from './lib/pipeline-fixture.mjs';
import { createLoad, percentile, runtimeCommand, runtimeEntry, startRuntimeProcess } from './lib/runtime-load.mjs';

const rounds = quick ? 1 : 3;
const phaseMs = quick ? 2000 : 6000;
const probeClients = 10;
const invokeRate = 100;
const healthRate = 50;
/** The runtime's cap on an invocation body (runtime/server/routes.ts). */
const bodyCap = 1024 * 1024;

if (!existsSync(runtimeEntry)) {
  log(`bench: ${runtimeEntry} is missing: run \`node scripts/build-node.mjs\` or \`npm run bench\``);
  process.exit(2);
}

const fill = (prefix, unit) => prefix + unit.repeat(Math.floor((bodyCap - 1024 - prefix.length) / unit.length));
const signup = (name, extra = {}) =>
  JSON.stringify({
    event: {
      request: { ip: '203.0.113.7' },
      user: { email: 'attacker@example.com', name },
      provider: 'email',
      ...extra,
    },
  });
// Built as text: JSON.stringify itself recurses, and would overflow on 20,000 levels.
const deepBody = `${signup('deep').slice(0, -2)},"metadata":${'{"a":'.repeat(20_000)}"x"${'}'.repeat(20_000)}}}`;
const attackerBodies = {
  hostile: [
    signup(fill('@. ', 'a')),
    signup(fill('a@', 'a.')),
    signup(fill('1', '1.')),
    signup(fill('::', 'a:')),
    signup(fill('token', '=')),
    signup(fill('x', '%4')),
    deepBody,
  ],
  benign: [
    ...Array.from({ length: 6 }, (_, i) => signup(fill(`user ${i} `, 'lorem ipsum '))),
    signup('flat', { metadata: { text: 'w'.repeat(deepBody.length - 200) } }),
  ],
};

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'runtime-hostile-bench-'));
const env = { ...process.env, PIPELINE_RUNTIME_KEY: randomBytes(32).toString('base64') };
const { token } = await runtimeCommand(
  ['token', 'create', '--scopes', 'publish,invoke', '--name', 'bench', '--data', dataDir],
  env,
);
const server = await startRuntimeProcess(['--data', dataDir], env);
const url = server.url;
const load = createLoad({ url, token, clients: probeClients });
const attackerAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const healthAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** A request timed from its start to its answer's end. */
async function timed(method, pathname, body, via) {
  const started = performance.now();
  const { status } = await load.send(method, pathname, body, {}, via);
  return { status, ms: performance.now() - started };
}

/** The attacker: back to back until `until`, counting answers by status. */
async function attack(variant, until) {
  const statuses = {};
  for (let i = 0; performance.now() < until; i++) {
    const bodies = attackerBodies[variant];
    const { status } = await timed('POST', '/v1/hooks/signup.before', bodies[i % bodies.length], attackerAgent);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  return statuses;
}

/** Health probes at `rate`/s until `until`. */
async function probeHealth(until) {
  const samples = [];
  let errors = 0;
  const interval = 1000 / healthRate;
  for (let next = performance.now(); next < until; next += interval) {
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { status, ms } = await timed('GET', '/v1/health', undefined, healthAgent);
    if (status === 200) samples.push(ms);
    else errors++;
  }
  return { samples, errors };
}

const fixture = events(500).map((recorded) => JSON.stringify({ event: recorded.event }));
const probeTarget = { path: '/v1/hooks/signup.before', bodies: fixture };

async function phase(variant) {
  const started = performance.now();
  const until = started + phaseMs;
  const [statuses, health, invocations] = await Promise.all([
    attack(variant, until),
    probeHealth(until),
    load.paced(probeTarget, invokeRate, phaseMs),
  ]);
  const sorted = health.samples.sort((a, b) => a - b);
  return {
    attacker: statuses,
    health: { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), errors: health.errors },
    invoke: { p50Ms: invocations.p50Ms, p99Ms: invocations.p99Ms, errors: invocations.errors },
  };
}

try {
  const published = await load.request(
    'PUT',
    '/v1/bundle',
    { bundle: bundle(), message: 'bench' },
    { 'if-match': '*' },
  );
  if (published.status !== 201) throw new Error(`publish failed: ${published.status} ${published.text}`);
  log(`runtime on ${url.origin}; warming up`);
  await load.paced(probeTarget, invokeRate, quick ? 500 : 2000);

  const runs = { benign: [], hostile: [] };
  for (let r = 0; r < rounds; r++) {
    for (const variant of ['benign', 'hostile']) {
      const result = await phase(variant);
      runs[variant].push(result);
      log(
        `  round ${r + 1} ${variant}: health p99 ${result.health.p99Ms.toFixed(2)} ms, invoke p99 ${result.invoke.p99Ms.toFixed(2)} ms, attacker answers ${JSON.stringify(result.attacker)}`,
      );
    }
  }
  const med = (variant, probe, key) => round(median(runs[variant].map((r) => r[probe][key])));
  const figures = (variant) => ({
    health: { p50Ms: med(variant, 'health', 'p50Ms'), p99Ms: med(variant, 'health', 'p99Ms') },
    invoke: { p50Ms: med(variant, 'invoke', 'p50Ms'), p99Ms: med(variant, 'invoke', 'p99Ms') },
    attackerAnswers: runs[variant].map((r) => r.attacker),
  });
  const benign = figures('benign');
  const hostile = figures('hostile');
  const healthRatio = round(hostile.health.p99Ms / benign.health.p99Ms);
  const invokeRatio = round(hostile.invoke.p99Ms / benign.invoke.p99Ms);
  const probeErrors = [...runs.benign, ...runs.hostile].reduce((sum, r) => sum + r.health.errors + r.invoke.errors, 0);
  const after = await load.request('GET', '/v1/health');
  emit('runtime-hostile', {
    rates: { healthPerSecond: healthRate, invokePerSecond: invokeRate },
    benign,
    hostile,
    ratioHostileVsBenign: { healthP99: healthRatio, invokeP99: invokeRatio },
    goals: [
      { name: 'health p99 hostile / benign <= 1.5', met: healthRatio <= 1.5, value: healthRatio, target: '<= 1.5' },
      { name: 'invoke p99 hostile / benign <= 1.5', met: invokeRatio <= 1.5, value: invokeRatio, target: '<= 1.5' },
      { name: 'no probe errors', met: probeErrors === 0, value: probeErrors, target: 0 },
      { name: 'runtime healthy after the attack', met: after.status === 200, value: after.status, target: 200 },
    ],
  });
} finally {
  load.close();
  attackerAgent.destroy();
  healthAgent.destroy();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
