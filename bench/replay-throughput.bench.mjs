// Replay throughput: `node bench/replay-throughput.bench.mjs [--quick] [--events N]`.
// The fixture pipeline (5 scripts in 3 layers on signup.before) over the same 20,000 deterministic
// events, whole process, in one run:
//   pool  the product's path: core/replay/replay-runner.ts (bundled with esbuild) driving the
//         engine pool with its default workers (one per core) and 20 events in flight; every run
//         builds its trace in the worker and the trace crosses back to this thread, as in the
//         studio and the CLI (storing traces is store.bench.mjs's part, not measured here)
//   bare  plain wasmoon on this thread (bench/lib/bare-wasmoon.mjs): same Lua, no sandbox, no
//         limits, no traces
//   in-thread  (for diagnosis) what a worker does per event, on this thread with no pool: the
//         engine's runPipeline over a sandbox, traces included. pool vs in-thread is what the
//         workers and the thread hops give or take; in-thread vs bare is the engine's own cost.
// Figures: events/s of each (median of the rounds; each round replays all events every way, in
// turns), ratio = pool / bare (goal >= 1.0), the CPU each used (cores busy on average over the
// run, all threads), how busy the pool's main thread was, and the decisions: pool and bare must
// agree on allow/deny for every event.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createBarePipeline } from './lib/bare-wasmoon.mjs';
import { loadEngine, loadEngineInternals } from './lib/engine-internals.mjs';
import { emit, log, median, quick, round } from './lib/measure.mjs';
import { bundle, events } from './lib/pipeline-fixture.mjs';

const argEvents = process.argv.indexOf('--events');
const eventCount = argEvents > 0 ? Number(process.argv[argEvents + 1]) : quick ? 2_000 : 20_000;
const rounds = quick ? 1 : 3;
const warmupEvents = quick ? 300 : 2_000;
const concurrency = 20; // replay-runner's default, and the pool's maxConcurrentRuns

const { createEnginePool, createSandbox } = await loadEngine();
const { validateBundle, bundleHash, scriptHash, replayEvents, planHook, runPipeline } = await loadEngineInternals();

// The fixture's bundle() omits each script's `file`, which validateBundle requires (the inlined
// form keeps it for export); a copy gets one so that the bundle is valid as the product needs it.
const raw = bundle();
for (const [id, script] of Object.entries(raw.scripts)) script.file ??= `scripts/${id}.lua`;
const validation = validateBundle(raw);
if (!validation.ok) throw new Error(`the fixture bundle is invalid: ${validation.error.message}`);
const pipeline = validation.bundle;
const hash = bundleHash(pipeline);
const recorded = events(eventCount);

const pool = createEnginePool();
const workers = pool.stats().workers;
const bare = await createBarePipeline();
// The in-thread variant: the plan replay would make, a sandbox on this thread (helpers.matches is
// not used by these scripts), the worker's clock and cheap sequential ids.
const plan = planHook(pipeline, 'signup.before', { bundleHash: hash, scriptHashes: (source) => scriptHash(source) });
const sandbox = await createSandbox({ services: { matches: () => false } });
const clock = { now: () => performance.timeOrigin + performance.now() };
let nextId = 0;
const ids = {
  traceId: () => (++nextId).toString(16).padStart(32, '0'),
  spanId: () => (++nextId).toString(16).padStart(16, '0'),
};

/** Cores busy on average: process CPU time (all threads) / wall time. */
function cpuMeter() {
  const cpu = process.cpuUsage();
  const started = performance.now();
  return () => {
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / 1000 / (performance.now() - started);
  };
}

/** One replay through the pool; returns events/s and the decision of every event (by index). */
async function replayPool(list) {
  const decisions = new Array(list.length);
  let spans = 0;
  let errors = 0;
  let line = 0;
  const cpu = cpuMeter();
  const loop = performance.eventLoopUtilization();
  const outcome = await replayEvents({
    executor: pool,
    bundle: pipeline,
    bundleHash: hash,
    scriptHash,
    events: list,
    concurrency,
    onLine(replayed, trace) {
      // Lines arrive in input order; keep what the comparison needs and count the trace's spans.
      decisions[line++] = { allow: replayed.allow, ok: replayed.ok, error: replayed.error, reason: replayed.reason };
      if (!replayed.ok) errors++;
      spans += trace?.spans.length ?? 0;
    },
  });
  return {
    eventsPerSecond: (list.length * 1000) / outcome.elapsedMs,
    cores: cpu(),
    // Share of the time the main thread (dispatch, messages, replay lines) was busy: near 1 it is the bottleneck.
    mainThreadBusy: performance.eventLoopUtilization(loop).utilization,
    decisions,
    spans,
    errors,
  };
}

/** The same events through bare wasmoon on this thread. */
function replayBare(list) {
  const decisions = new Array(list.length);
  const cpu = cpuMeter();
  const started = performance.now();
  for (let i = 0; i < list.length; i++) {
    try {
      decisions[i] = bare.run(list[i].event);
    } catch (error) {
      // Bare has no error handling of its own; a throw is kept for the comparison.
      decisions[i] = { allow: undefined, error: error.message };
    }
  }
  const elapsed = performance.now() - started;
  return { eventsPerSecond: (list.length * 1000) / elapsed, cores: cpu(), decisions };
}

/** The same events through runPipeline + sandbox on this thread, one at a time. */
async function replayInThread(list) {
  const cpu = cpuMeter();
  const started = performance.now();
  for (const { event } of list) await runPipeline({ plan, event }, { runner: sandbox, clock, ids });
  const elapsed = performance.now() - started;
  return { eventsPerSecond: (list.length * 1000) / elapsed, cores: cpu() };
}

log(
  `replay-throughput: ${eventCount} events, pool of ${workers} workers (${availableParallelism()} cores), warming up…`,
);
// Warm-up: starts the workers (wasmoon ready in each), sends the plan, lets V8 tier up both sides.
await replayPool(recorded.slice(0, warmupEvents));
replayBare(recorded.slice(0, warmupEvents));
await replayInThread(recorded.slice(0, warmupEvents));

const poolRates = [];
const bareRates = [];
const poolCores = [];
const bareCores = [];
const inThreadRates = [];
const mainThreadBusy = [];
let disagreements = 0;
let compared = 0;
const examples = [];
let spans = 0;
let poolErrors = 0;
let denied = 0;
for (let r = 0; r < rounds; r++) {
  // Taking turns, and alternating who goes first, so that drift on a noisy machine hits both alike.
  const poolFirst = r % 2 === 0;
  const b1 = poolFirst ? undefined : replayBare(recorded);
  const p = await replayPool(recorded);
  const b = b1 ?? replayBare(recorded);
  const t = await replayInThread(recorded);
  inThreadRates.push(t.eventsPerSecond);
  poolRates.push(p.eventsPerSecond);
  bareRates.push(b.eventsPerSecond);
  poolCores.push(p.cores);
  mainThreadBusy.push(p.mainThreadBusy);
  bareCores.push(b.cores);
  spans = p.spans;
  poolErrors = Math.max(poolErrors, p.errors);
  denied = p.decisions.filter((d) => d.allow === false).length;
  for (let i = 0; i < recorded.length; i++) {
    compared++;
    const ours = p.decisions[i];
    const theirs = b.decisions[i];
    if (ours?.allow !== theirs?.allow) {
      disagreements++;
      if (examples.length < 5) {
        examples.push(
          `${recorded[i].id}: pool ${ours?.allow ? 'allow' : 'deny'}${ours?.error ? ` (${ours.error.code}: ${ours.error.message})` : ours?.reason ? ` (${ours.reason})` : ''}, ` +
            `bare ${theirs?.allow ? 'allow' : 'deny'}${theirs?.error ? ` (threw: ${theirs.error})` : theirs?.reason ? ` (${theirs.reason})` : ''}`,
        );
      }
    }
  }
  log(
    `  round ${r + 1}/${rounds}: pool ${Math.round(p.eventsPerSecond)} events/s (${p.cores.toFixed(2)} cores), ` +
      `bare ${Math.round(b.eventsPerSecond)} events/s (${b.cores.toFixed(2)} cores), ` +
      `in-thread ${Math.round(t.eventsPerSecond)} events/s`,
  );
}
await pool.close();
bare.close();
sandbox.close();

const poolRate = median(poolRates);
const bareRate = median(bareRates);
for (const example of examples) log(`replay-throughput: DISAGREEMENT ${example}`);

emit('replay-throughput', {
  events: eventCount,
  rounds,
  workers,
  concurrency,
  throughput: {
    poolEventsPerSecond: Math.round(poolRate),
    bareEventsPerSecond: Math.round(bareRate),
    ratio: round(poolRate / bareRate),
    goal: 1.0,
  },
  cpu: {
    poolCores: round(median(poolCores)),
    bareCores: round(median(bareCores)),
    // Per core-second of CPU: how the two compare when neither gets more cores than the other.
    ratioPerCore: round(poolRate / median(poolCores) / (bareRate / median(bareCores))),
  },
  diagnosis: {
    inThreadEventsPerSecond: Math.round(median(inThreadRates)),
    // The engine's own cost per event against bare, both on one thread.
    ratioInThreadVsBare: round(median(inThreadRates) / bareRate),
    // What the pool makes of the in-thread engine (ideal: close to the number of cores).
    ratioPoolVsInThread: round(poolRate / median(inThreadRates)),
    poolMainThreadBusy: round(median(mainThreadBusy), 2),
  },
  decisions: {
    // Every round is compared (events x rounds); `denied` and `poolErrors` are per replay.
    compared,
    denied,
    disagreements,
    poolErrors,
    ...(examples.length ? { examples } : {}),
  },
  spansPerEvent: round(spans / eventCount),
  goals: [
    {
      name: 'pool and bare agree on allow/deny for every event',
      met: disagreements === 0,
      value: disagreements,
      target: 0,
      ...(disagreements ? { detail: examples.join('; ') } : {}),
    },
  ],
});
