// Impact against replay: `node bench/impact.bench.mjs [--quick] [--events N]`.
// The fixture pipeline (5 scripts in 3 layers on signup.before) over the same 20,000 deterministic
// events, in one process and one engine pool (default workers, one per core), in turns:
//   replay  core/replay/replay-runner.ts: every event through the fixture bundle, 20 in flight
//   impact  core/impact/compare-bundles.ts: every event through the fixture bundle and through a
//           slightly changed copy (final-decision denies from a risk score of 55 instead of 60),
//           both runs of an event at once, 20 events in flight, each change classified
// An impact run does twice the engine work of a replay, so the goal is that it costs at most 2.1
// times the replay: reported as replayTimesTwoOverImpact = 2 * replaySeconds / impactSeconds with
// goal >= 0.95 (the runner reads every { ratio, goal } as ratio >= goal; 2 / 2.1 ≈ 0.95).
import { performance } from 'node:perf_hooks';
import { importTypeScript, loadEngine, loadEngineInternals } from './lib/engine-internals.mjs';
import { emit, log, median, quick, round } from './lib/measure.mjs';
import { bundle, events } from './lib/pipeline-fixture.mjs';

const argEvents = process.argv.indexOf('--events');
const eventCount = argEvents > 0 ? Number(process.argv[argEvents + 1]) : quick ? 2_000 : 20_000;
const rounds = quick ? 1 : 3;
const warmupEvents = quick ? 300 : 2_000;
const concurrency = 20; // replay-runner's default, and the pool's maxConcurrentRuns

const { createEnginePool } = await loadEngine();
const { validateBundle, bundleHash, scriptHash, replayEvents } = await loadEngineInternals();
const { compareBundles } = await importTypeScript({
  source: `export { compareBundles } from './core/impact/compare-bundles.ts';`,
  name: 'impact-internals',
});

function side(raw) {
  const validation = validateBundle(raw);
  if (!validation.ok) throw new Error(`the fixture bundle is invalid: ${validation.error.message}`);
  return { bundle: validation.bundle, hash: bundleHash(validation.bundle) };
}
const baseline = side(bundle());
const changed = bundle();
changed.scripts['final-decision'].source = changed.scripts['final-decision'].source.replace('>= 60', '>= 55');
if (changed.scripts['final-decision'].source === baseline.bundle.scripts['final-decision'].source) {
  throw new Error('the candidate is the same as the baseline: the fixture changed, adapt this bench');
}
const candidate = side(changed);
const recorded = events(eventCount);
const pool = createEnginePool();

async function replaySeconds(list) {
  const started = performance.now();
  const outcome = await replayEvents({
    executor: pool,
    bundle: baseline.bundle,
    bundleHash: baseline.hash,
    scriptHash,
    events: list,
    concurrency,
    onLine: () => {},
  });
  if (outcome.replayed !== list.length) throw new Error(`replay stopped after ${outcome.replayed} events`);
  return (performance.now() - started) / 1000;
}

async function impactSeconds(list) {
  const started = performance.now();
  let changes = 0;
  const summary = await compareBundles({
    executor: pool,
    baseline,
    candidate,
    events: list,
    concurrency,
    onChange: () => {
      changes += 1;
    },
  });
  if (summary.events !== list.length) throw new Error(`impact stopped after ${summary.events} events`);
  return { seconds: (performance.now() - started) / 1000, changes, summary };
}

log(`impact: ${eventCount} events, ${pool.stats().workers} workers, ${rounds} rounds, warm-up ${warmupEvents}`);
await replaySeconds(recorded.slice(0, warmupEvents));
await impactSeconds(recorded.slice(0, warmupEvents));

const replays = [];
const impacts = [];
let last;
for (let i = 0; i < rounds; i++) {
  // Turns alternate so that neither side always runs on a warmer (or busier) machine.
  if (i % 2 === 0) {
    replays.push(await replaySeconds(recorded));
    last = await impactSeconds(recorded);
  } else {
    last = await impactSeconds(recorded);
    replays.push(await replaySeconds(recorded));
  }
  impacts.push(last.seconds);
  log(`round ${i + 1}: replay ${round(replays.at(-1))} s, impact ${round(last.seconds)} s`);
}
await pool.close();

const replay = median(replays);
const impact = median(impacts);
const { summary } = last;
if (last.changes === 0) throw new Error('the candidate changed no outcome: the bench would measure nothing');
emit('impact', {
  events: eventCount,
  rounds,
  replaySeconds: round(replay),
  impactSeconds: round(impact),
  impactOverReplay: round(impact / replay),
  replayTimesTwoOverImpact: { ratio: round((2 * replay) / impact), goal: 0.95 },
  changed: {
    events: last.changes,
    allowToDeny: summary.allowToDeny,
    denyToAllow: summary.denyToAllow,
    unchanged: summary.unchanged,
  },
});
