// What a rollout and a live tail cost the answers: `node bench/rollout.bench.mjs [--quick]`.
// The reference runtime (dist/node/runtime.mjs, SQLite) runs as a child process on a loopback port
// with the fixture pipeline (5 scripts in 3 layers on signup.before) published. This process is
// the client: a fixed number of concurrent keep-alive clients sends a fixed count of requests, and
// each variant is timed from the first request to the last answer:
//   none     no rollout
//   shadow   a shadow rollout at 100% of a candidate that differs a little (a lower risk threshold
//            in the last script turns about a fifth of the fixture's events from allow to deny, so
//            differences are kept too): every answer still comes from the active bundle, the
//            candidate runs beside it off the answer's path, at most as many at once as the engine
//            has workers (the rest are skipped and counted); goals: p99 within 1.5x, throughput >= 0.5x
//   tail     GET /v1/tail followed by one reader for the whole variant, against none
//            (skipped with a note while the runtime answers /v1/tail with 404)
// The variants take turns in each round, in an order that turns (a shadow rollout is started
// before its variant and aborted after it), so a slow spell of this shared machine hits all alike.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { emit, log, median, quick, round } from './lib/measure.mjs';
import { bundle, events } from './lib/pipeline-fixture.mjs';
import { createLoad, percentile, runtimeCommand, runtimeEntry, startRuntimeProcess } from './lib/runtime-load.mjs';

const clients = 16;
const requestsPerVariant = quick ? 1500 : 6000;
const rounds = quick ? 1 : 5;

if (!existsSync(runtimeEntry)) {
  log(`bench: ${runtimeEntry} is missing: run \`node scripts/build-node.mjs\` or \`npm run bench\``);
  process.exit(2);
}

/** The fixture's pipeline with its last script's risk threshold lowered: a candidate that differs a little. */
function candidateBundle() {
  const base = bundle();
  const final = base.scripts['final-decision'];
  return {
    ...base,
    name: 'bench-candidate',
    scripts: { ...base.scripts, 'final-decision': { ...final, source: final.source.replace('>= 60', '>= 40') } },
  };
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rollout-bench-'));
const env = { ...process.env, PIPELINE_RUNTIME_KEY: randomBytes(32).toString('base64') };
const { token } = await runtimeCommand(
  ['token', 'create', '--scopes', 'publish,invoke,events:read', '--name', 'bench', '--data', dataDir],
  env,
);
const server = await startRuntimeProcess(['--data', dataDir], env);
const url = server.url;
const load = createLoad({ url, token, clients });
const { request, send, errorKinds } = load;

const published = await request('PUT', '/v1/bundle', { bundle: bundle(), message: 'bench' }, { 'if-match': '*' });
if (published.status !== 201) throw new Error(`publish failed: ${published.status} ${published.text}`);
const activeHash = JSON.parse(published.text).hash;
const bodies = events(1000).map((recorded) => JSON.stringify({ event: recorded.event }));

/** `requestsPerVariant` invocations from `clients` clients, back to back. */
async function measure() {
  const samples = [];
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued < requestsPerVariant) {
        const body = bodies[issued++ % bodies.length];
        const sent = performance.now();
        const { status, text } = await send('POST', '/v1/hooks/signup.before', body, {});
        if (status === 200) samples.push(performance.now() - sent);
        else {
          errors++;
          const kind = status === 0 ? text : `HTTP ${status}`;
          errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  samples.sort((a, b) => a - b);
  return {
    requestsPerSecond: (samples.length * 1000) / elapsedMs,
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
    errors,
  };
}

async function startShadow() {
  const started = await request(
    'POST',
    '/v1/rollouts',
    { bundle: candidateBundle(), mode: 'shadow', percent: 100, message: 'bench' },
    { 'if-match': `"${activeHash}"` },
  );
  if (started.status !== 201) throw new Error(`the shadow rollout did not start: ${started.status} ${started.text}`);
}

/** Aborts the running rollout; returns its counts (how many shadow runs ran, differed, were skipped). */
async function stopShadow() {
  const aborted = await request('POST', '/v1/rollouts/current/abort');
  if (aborted.status !== 200) throw new Error(`the abort failed: ${aborted.status} ${aborted.text}`);
  return JSON.parse(aborted.text).stats;
}

/** Follows GET /v1/tail until `close()`; null when the runtime has no tail (404). */
function openTail() {
  return new Promise((resolve, reject) => {
    let received = 0;
    const req = http.get(
      { host: url.hostname, port: url.port, path: '/v1/tail', headers: { authorization: `Bearer ${token}` } },
      (res) => {
        if (res.statusCode === 404) {
          res.resume();
          resolve(null);
          return;
        }
        if (res.statusCode !== 200) {
          reject(new Error(`GET /v1/tail answered ${res.statusCode}`));
          return;
        }
        // Informational only: a `data:` split across two chunks is missed.
        res.setEncoding('utf8').on('data', (chunk) => (received += chunk.match(/data:/g)?.length ?? 0));
        resolve({ received: () => received, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
  });
}

const ratios = (variant, none) => ({
  p99: round(median(variant.map((r) => r.p99Ms)) / median(none.map((r) => r.p99Ms))),
  throughput: round(median(variant.map((r) => r.requestsPerSecond)) / median(none.map((r) => r.requestsPerSecond))),
});

try {
  log(`runtime on ${url.origin}; ${clients} clients, ${requestsPerVariant} requests per variant; warming up`);
  // Every path warm before anything is timed: the pipeline, a shadow rollout's start and runs.
  await measure();
  await startShadow();
  await measure();
  await stopShadow();
  const probe = await openTail();
  const tailAvailable = probe !== null;
  probe?.close();
  if (!tailAvailable) log('note: GET /v1/tail answers 404 on this runtime; the tail variant is skipped');

  const runs = { none: [], shadow: [], tail: [] };
  const shadowStats = [];
  let tailMessages = 0;
  const variants = {
    none: measure,
    async shadow() {
      await startShadow();
      const measured = await measure();
      shadowStats.push(await stopShadow());
      return measured;
    },
    async tail() {
      const tail = await openTail();
      const measured = await measure();
      tailMessages += tail.received();
      tail.close();
      return measured;
    },
  };
  const order = Object.keys(variants).filter((variant) => variant !== 'tail' || tailAvailable);
  for (let r = 0; r < rounds; r++) {
    // The order turns every round, so that none of them is always the one after a warm-up.
    for (const variant of [...order.slice(r % order.length), ...order.slice(0, r % order.length)]) {
      const last = await variants[variant]();
      runs[variant].push(last);
      log(
        `  round ${r + 1} ${variant}: ${Math.round(last.requestsPerSecond)} req/s, p50 ${last.p50Ms.toFixed(2)} ms, p99 ${last.p99Ms.toFixed(2)} ms, ${last.errors} errors`,
      );
    }
  }

  const figures = (list) => ({
    requestsPerSecond: Math.round(median(list.map((r) => r.requestsPerSecond))),
    p50Ms: round(median(list.map((r) => r.p50Ms))),
    p99Ms: round(median(list.map((r) => r.p99Ms))),
    errors: list.reduce((sum, r) => sum + r.errors, 0),
  });
  const shadowRatios = ratios(runs.shadow, runs.none);
  const sum = (pick) => shadowStats.reduce((total, stats) => total + pick(stats), 0);
  const result = {
    clients,
    requestsPerVariant,
    rounds,
    none: figures(runs.none),
    shadow: {
      ...figures(runs.shadow),
      // Shadow runs that ran, differed, and were left out because the bounded queue was full:
      // a shadow that skips most of its runs costs little and shows little.
      candidateRuns: sum((stats) => stats.candidate.n),
      differences: sum((stats) => stats.differences.n),
      skipped: sum((stats) => stats.shadowSkipped),
      ratioP99VsNone: shadowRatios.p99,
      throughput: { ratio: shadowRatios.throughput, goal: 0.5 },
    },
    tail: tailAvailable
      ? { ...figures(runs.tail), messagesRead: tailMessages, ...prefixed(ratios(runs.tail, runs.none)) }
      : { skipped: 'GET /v1/tail answered 404' },
  };
  const errors = ['none', 'shadow', 'tail'].reduce((total, v) => total + (result[v].errors ?? 0), 0);
  emit('rollout', {
    ...result,
    goals: [
      {
        name: 'no errors',
        met: errors === 0,
        value: errors,
        target: 0,
        ...(errors ? { detail: JSON.stringify(errorKinds) } : {}),
      },
      {
        name: 'shadow p99 within 1.5x of none',
        met: shadowRatios.p99 <= 1.5,
        value: shadowRatios.p99,
        target: '<= 1.5',
      },
    ],
  });
} finally {
  load.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

function prefixed({ p99, throughput }) {
  return { ratioP99VsNone: p99, ratioThroughputVsNone: throughput };
}
