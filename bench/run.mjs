// The benchmark runner: `node bench/run.mjs [--only name] [--quick]` (`npm run bench` builds first).
// Runs every bench/*.bench.mjs in a child process of its own, one after another: the machine has
// 2 cores and the replay bench alone uses both, so benches in parallel would measure each other.
// Each bench prints progress on stderr (passed through) and a final JSON line on stdout,
// `{ "bench": name, ...figures }`; the runner prints the figures and the goals as tables and writes
// them all to bench/results/latest.json. It exits non-zero when a bench crashes (or prints no
// result), never because a goal is not met: goals are reported as met / NOT met.
// Protocol and how to read the figures: bench/README.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, '..');
const resultsDir = path.join(benchDir, 'results');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
if (onlyAt >= 0 && !only) fail('--only needs a bench name, e.g. --only replay-throughput');
const unknown = args.filter((arg, i) => arg !== '--quick' && arg !== '--only' && (onlyAt < 0 || i !== onlyAt + 1));
if (unknown.length > 0) fail(`unknown option ${unknown.join(' ')}; options: --only name, --quick`);

/**
 * Extra arguments for benches that do not read `--quick` themselves. store.bench.mjs (written
 * before this runner) sizes itself with `--traces N`; every bench also receives --quick.
 */
const quickArgs = { store: ['--traces', '2000'] };
/** A bench running longer than this is stopped and counted as crashed. */
const benchTimeoutMs = 10 * 60_000;

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const all = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.mjs'))
  .map((file) => ({ name: file.slice(0, -'.bench.mjs'.length), file: path.join(benchDir, file) }))
  .sort((a, b) => a.name.localeCompare(b.name));
const selected = only ? all.filter((bench) => bench.name === only) : all;
if (selected.length === 0) fail(`no bench named "${only}"; there are: ${all.map((b) => b.name).join(', ')}`);
if (!existsSync(path.join(root, 'dist', 'node', 'engine.mjs'))) {
  fail('dist/node/engine.mjs is missing: run `npm run bench` (it builds first) or `node scripts/build-node.mjs`');
}

/**
 * Cores kept busy by other processes, sampled over `ms` while no bench runs: another session's
 * test run or build on this 2-core machine halves what the benches get, and the figures with it.
 */
async function busyCores(ms = 1000) {
  const snapshot = () =>
    os.cpus().reduce(
      (sum, cpu) => {
        const t = cpu.times;
        return { idle: sum.idle + t.idle, total: sum.total + t.user + t.nice + t.sys + t.idle + t.irq };
      },
      { idle: 0, total: 0 },
    );
  const before = snapshot();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = snapshot();
  const total = after.total - before.total;
  return total > 0 ? (1 - (after.idle - before.idle) / total) * os.cpus().length : 0;
}

/**
 * CPU the machine actually delivers to `threads` threads spinning for `ms`: CPU time received /
 * wall time. On this VM two spinning threads have received anywhere from 0.2 to 2 cores, and under
 * 1.5 with no other process in sight (the host's other tenants); the pool's figures depend on it directly.
 */
async function deliveredCores(threads, ms = 1000) {
  const spin = `const end = Date.now() + ${ms}; let x = 0; while (Date.now() < end) x++;
    require('node:worker_threads').parentPort.postMessage(x);`;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise((resolve, reject) => {
          const worker = new Worker(spin, { eval: true });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / (performance.now() - started);
}

/**
 * Runs one bench; resolves with its result line (the last stdout line that is a JSON object with
 * `bench`) or an error.
 * @returns {Promise<{ name: string, ms: number, exitCode: number | null, result?: object, error?: string, othersBusy: number }>}
 */
async function runBench(bench) {
  const othersBusy = await busyCores();
  const benchArgs = quick ? ['--quick', ...(quickArgs[bench.name] ?? [])] : [];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bench.file, ...benchArgs], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const timer = setTimeout(() => {
      process.stderr.write(`bench: ${bench.name} ran past ${benchTimeoutMs / 60_000} min; stopping it\n`);
      child.kill('SIGKILL');
    }, benchTimeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ name: bench.name, ms: performance.now() - started, exitCode: null, error: error.message, othersBusy });
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const result = lastResultLine(stdout);
      let error;
      if (exitCode !== 0) error = `exited with ${signal ? `signal ${signal}` : `code ${exitCode}`}`;
      else if (!result) error = 'printed no result line ({ "bench": … } as JSON on stdout)';
      // Other stdout lines are not part of the protocol, but should not be lost.
      for (const line of stdout.split('\n')) {
        if (line.trim() && !line.trim().startsWith('{"bench"')) process.stderr.write(`[${bench.name}] ${line}\n`);
      }
      resolve({
        name: bench.name,
        ms,
        exitCode,
        othersBusy,
        ...(result ? { result } : {}),
        ...(error ? { error } : {}),
      });
    });
  });
}

function lastResultLine(stdout) {
  const lines = stdout.split('\n').reverse();
  for (const line of lines) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && typeof parsed.bench === 'string') return parsed;
    } catch {
      // not the result line
    }
  }
  return undefined;
}

// ---- Tables

/** Flattens nested figures to dotted paths; arrays of scalars are joined, `goals` is left out. */
function flatten(value, prefix = '', rows = []) {
  for (const [key, child] of Object.entries(value)) {
    if (prefix === '' && (key === 'bench' || key === 'goals')) continue;
    const name = prefix ? `${prefix}.${key}` : key;
    if (child && typeof child === 'object' && !Array.isArray(child)) flatten(child, name, rows);
    else if (Array.isArray(child) && child.some((item) => item && typeof item === 'object')) {
      child.forEach((item, i) => rows.push([`${name}[${i}]`, JSON.stringify(item)]));
    } else rows.push([name, Array.isArray(child) ? child.join('; ') : child]);
  }
  return rows;
}

/**
 * The goals of one result: those the bench evaluated itself (`goals: [{ name, met, value, target }]`)
 * and every `{ ratio, goal }` pair, read as "ratio >= goal" (store.bench.mjs's convention).
 */
function goalsOf(result) {
  const goals = [];
  const walk = (value, prefix) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    if (typeof value.ratio === 'number' && typeof value.goal === 'number') {
      goals.push({
        name: `${prefix || 'ratio'}.ratio >= ${value.goal}`,
        met: value.ratio >= value.goal,
        value: value.ratio,
        target: `>= ${value.goal}`,
      });
    }
    for (const [key, child] of Object.entries(value)) {
      if (prefix === '' && key === 'goals') continue;
      walk(child, prefix ? `${prefix}.${key}` : key);
    }
  };
  walk(result, '');
  for (const goal of Array.isArray(result.goals) ? result.goals : []) {
    goals.push({
      name: goal.name,
      met: goal.met === true,
      value: goal.value,
      target: goal.target,
      detail: goal.detail,
    });
  }
  return goals;
}

function formatValue(value) {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) >= 10_000) return value.toLocaleString('en-US');
    return String(value);
  }
  if (value === undefined) return '';
  return String(value);
}

function table(headers, rows) {
  const cells = [headers, ...rows.map((row) => row.map(formatValue))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => String(row[i] ?? '').length)));
  const line = (row) =>
    row
      .map((cell, i) => String(cell ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Ratios are what the benches are for: mark them so they stand out in a long list. */
function isRatio(name) {
  return name.split('.').some((segment) => /^ratio/i.test(segment));
}

// ---- Run

const runs = [];
const cores = os.availableParallelism();
process.stderr.write(
  `bench: ${selected.map((b) => b.name).join(', ')}${quick ? ' (quick)' : ''}; ${cores} cores, node ${process.version}\n`,
);
const calibration = { before: await deliveredCores(cores) };
process.stderr.write(`bench: ${cores} spinning threads received ${calibration.before.toFixed(2)} cores\n`);
for (const bench of selected) {
  process.stderr.write(`\nbench: ── ${bench.name} ──\n`);
  const run = await runBench(bench);
  runs.push(run);
  process.stderr.write(
    `bench: ${bench.name} ${run.error ? `FAILED: ${run.error}` : 'done'} in ${(run.ms / 1000).toFixed(1)} s\n`,
  );
}

const out = [];
for (const run of runs) {
  out.push('', `== ${run.name}  (${(run.ms / 1000).toFixed(1)} s)`);
  if (run.error) {
    out.push(`CRASHED: ${run.error}`);
    continue;
  }
  const rows = flatten(run.result).map(([name, value]) => [isRatio(name) ? `* ${name}` : `  ${name}`, value]);
  out.push(table(['  figure', 'value'], rows));
}

const goalRows = [];
for (const run of runs) {
  if (!run.result) continue;
  for (const goal of goalsOf(run.result)) {
    goalRows.push([run.name, goal.name, goal.value, goal.target, goal.met ? 'met' : 'NOT MET']);
  }
}
if (goalRows.length > 0) out.push('', '== goals', table(['bench', 'goal', 'value', 'target', 'status'], goalRows));

// A busy machine (another test run, a build) skews everything here; say so next to the figures.
const busyAfter = await busyCores();
calibration.after = await deliveredCores(cores);
out.push(
  '',
  `CPU delivered to ${cores} spinning threads: ${calibration.before.toFixed(2)} cores before the benches, ` +
    `${calibration.after.toFixed(2)} after (ideal ${cores}.00). Multi-threaded figures (the pool) scale with it.`,
);
const busy = runs.filter((run) => run.othersBusy > 0.3);
if (busy.length > 0 || busyAfter > 0.3) {
  const when = [
    ...busy.map((run) => `before ${run.name} (${run.othersBusy.toFixed(2)} cores)`),
    ...(busyAfter > 0.3 ? [`after the last bench (${busyAfter.toFixed(2)} cores)`] : []),
  ];
  out.push(
    '',
    `NOTE: other processes kept the CPU busy ${when.join(', ')}; with ${cores} cores the figures may be low ` +
      'or noisy (the pool most of all): rerun on an idle machine.',
  );
}
const crashed = runs.filter((run) => run.error);
out.push(
  '',
  `${runs.length - crashed.length}/${runs.length} benches ran; goals met ${goalRows.filter((r) => r[4] === 'met').length}/${goalRows.length}` +
    `${crashed.length ? `; CRASHED: ${crashed.map((r) => r.name).join(', ')}` : ''}. Ratios are marked *; see bench/README.md.`,
);
process.stdout.write(`${out.join('\n')}\n`);

mkdirSync(resultsDir, { recursive: true });
const latest = {
  finishedAt: new Date().toISOString(),
  quick,
  otherProcessesBusyCoresAtEnd: Number(busyAfter.toFixed(2)),
  deliveredCores: { before: Number(calibration.before.toFixed(2)), after: Number(calibration.after.toFixed(2)) },
  machine: { cores, cpu: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}` },
  benches: Object.fromEntries(
    runs.map((run) => [
      run.name,
      {
        seconds: Number((run.ms / 1000).toFixed(1)),
        otherProcessesBusyCoresAtStart: Number(run.othersBusy.toFixed(2)),
        ...(run.error ? { error: run.error } : {}),
        ...(run.result ? { result: run.result, goals: goalsOf(run.result) } : {}),
      },
    ]),
  ),
};
writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(latest, null, 2)}\n`);
process.stderr.write(`bench: wrote ${path.relative(root, path.join(resultsDir, 'latest.json'))}\n`);
process.exitCode = crashed.length > 0 ? 1 : 0;
