// Engine overhead per script run: `node bench/engine-overhead.bench.mjs [--quick]`.
// The same Lua function with the same event and ctx, run four ways in one process:
//   bare        a wasmoon function compiled once and called directly (event and ctx through
//               wasmoon's own converter, as bench/lib/bare-wasmoon.mjs does): the floor
//   sandbox     createSandbox in this thread: fresh env per run, count hook, memory cap, JSON in/out
//   pool        pool.runScript with 1 worker, one run at a time: adds the thread hop both ways and
//               the pipeline job around it (runScript is a one-layer plan, with its trace)
//   pool x20    the same pool with 20 runs in flight: what a busy worker costs per run
// In the pool a script starts a first layer, so ctx.results is empty there (final-decision takes
// its "no risk score" branch); the value check below compares bare and sandbox, which get the
// same ctx.
// Two cases: a trivial script (`return true`: the fixed cost of a run) and the five scripts of the
// pipeline fixture, cycled (a typical run). Figures are µs per run, median of several rounds after
// a warm-up; ratios are variant / bare (1.0 = no overhead; below 1 means faster than bare).
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { LuaFactory } from 'wasmoon';
import { loadEngine, loadEngineInternals } from './lib/engine-internals.mjs';
import { emit, log, median, quick, round } from './lib/measure.mjs';
import { events, scripts } from './lib/pipeline-fixture.mjs';

const runsPerRound = quick ? 200 : 1000;
const rounds = quick ? 3 : 7;
const warmupRuns = quick ? 300 : 2000;
// Warm-up also lasts at least this long per variant, so that V8 has optimised the JS and tiered
// the wasm up before timing: the first case measured otherwise looks slower than it is.
const warmupMs = quick ? 300 : 600;
const inFlight = 20;

const { createEnginePool, createSandbox } = await loadEngine();
const { defaultLimits } = await loadEngineInternals();

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
const hook = 'signup.before';
// A plausible ctx for every script (final-decision reads ctx.results["risk-score"]).
const results = {
  'block-disposable': true,
  'ip-reputation': { allow: true },
  'risk-score': { allow: true, score: 12 },
};
const sampleEvents = events(100).map((recorded) => recorded.event);

const cases = {
  trivial: { 'return-true': 'return true' },
  'pipeline scripts': scripts,
};

// ---- The bare baseline: one wasmoon engine, each source compiled once into a function(event, ctx).
const lua = await new LuaFactory().createEngine();
/** @type {Record<string, Function>} */
const bareFunctions = {};
let counter = 0;
for (const group of Object.values(cases)) {
  for (const [id, source] of Object.entries(group)) {
    const name = `__bench_fn_${counter++}`;
    // A wrapping assignment, so that doString leaves nothing on the stack (docs/engine.md,
    // "Measured facts about wasmoon": results left on the stack).
    await lua.doString(`${name} = function(event, ctx) ${source}\nend`);
    bareFunctions[id] = lua.global.get(name);
  }
}

// ---- Ours: the sandbox in this thread, and a one-worker pool. helpers.matches is never called by
// these scripts; a stub keeps RE2 out of the in-process sandbox.
const sandbox = await createSandbox({ services: { matches: () => false } });
const pool = createEnginePool({ workers: 1 });

/** One "job" per (script, event): the bare call's arguments and the engine's request, built up front. */
function jobsOf(group) {
  const jobs = [];
  for (const [i, event] of sampleEvents.entries()) {
    for (const [id, source] of Object.entries(group)) {
      jobs.push({
        id,
        event,
        bareCtx: { results },
        request: {
          script: { id, source, contentHash: sha256(source) },
          hook,
          event,
          ctx: { hook, data: {}, results, env: {} },
          limits: defaultLimits,
          secretNames: [],
        },
        index: i,
      });
    }
  }
  return jobs;
}

/** Runs `count` jobs through a variant; returns µs per run. */
const variants = {
  bare: async (jobs, count) => {
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const job = jobs[i % jobs.length];
      bareFunctions[job.id](job.event, job.bareCtx);
    }
    return ((performance.now() - started) * 1000) / count;
  },
  sandbox: async (jobs, count) => {
    const started = performance.now();
    for (let i = 0; i < count; i++) await sandbox.run(jobs[i % jobs.length].request);
    return ((performance.now() - started) * 1000) / count;
  },
  pool: async (jobs, count) => {
    const started = performance.now();
    for (let i = 0; i < count; i++) await pool.runScript(jobs[i % jobs.length].request);
    return ((performance.now() - started) * 1000) / count;
  },
  [`pool x${inFlight}`]: async (jobs, count) => {
    let next = 0;
    const started = performance.now();
    const lane = async () => {
      while (next < count) await pool.runScript(jobs[next++ % jobs.length].request);
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    return ((performance.now() - started) * 1000) / count;
  },
};

/** Checks that bare and sandbox return the same value for every job: otherwise the timings compare different work. */
async function disagreements(jobs) {
  let count = 0;
  for (const job of jobs) {
    const bare = bareFunctions[job.id](job.event, job.bareCtx);
    const ours = await sandbox.run(job.request);
    const same = ours.ok && JSON.stringify(sortKeys(ours.value ?? null)) === JSON.stringify(sortKeys(bare ?? null));
    if (!same) {
      if (count === 0)
        log(
          `  differs: ${job.id} on event ${job.index}: bare ${JSON.stringify(bare)}, ours ${JSON.stringify(ours.value ?? ours.error)}`,
        );
      count++;
    }
  }
  return count;
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys(value[key])]),
    );
  }
  return value;
}

const figures = {};
for (const [caseName, group] of Object.entries(cases)) {
  const jobs = jobsOf(group);
  log(`engine-overhead: ${caseName}: ${jobs.length} (script, event) pairs, warming up…`);
  const differing = await disagreements(jobs);
  for (const run of Object.values(variants)) {
    const warm = performance.now();
    do await run(jobs, warmupRuns);
    while (performance.now() - warm < warmupMs);
  }

  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    // Variants take turns within a round, so that a noisy moment hits all of them alike.
    for (const [name, run] of Object.entries(variants)) samples[name].push(await run(jobs, runsPerRound));
  }
  const us = Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, median(list)]));
  figures[caseName] = {
    usPerRun: Object.fromEntries(Object.entries(us).map(([name, value]) => [name, round(value)])),
    ratioVsBare: Object.fromEntries(
      Object.entries(us)
        .filter(([name]) => name !== 'bare')
        .map(([name, value]) => [name, round(value / us.bare)]),
    ),
    valueDisagreements: differing,
  };
  log(
    `  µs/run: ${Object.entries(us)
      .map(([n, v]) => `${n} ${v.toFixed(1)}`)
      .join(', ')}`,
  );
}

sandbox.close();
lua.global.close();
await pool.close();

const goals = Object.entries(figures).map(([caseName, f]) => ({
  name: `${caseName}: bare and sandbox return the same values`,
  met: f.valueDisagreements === 0,
  value: f.valueDisagreements,
  target: 0,
}));
emit('engine-overhead', {
  runsPerRound,
  rounds,
  limits: `default (instructionBudget ${defaultLimits.instructionBudget}, memory ${defaultLimits.memoryBytes / 2 ** 20} MB)`,
  ...figures,
  goals,
});
