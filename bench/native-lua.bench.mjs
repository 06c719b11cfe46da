// Compute-heavy Lua against native Lua 5.4: `node bench/native-lua.bench.mjs [--quick]`.
// Three workloads, each a function body returning a value (checked equal everywhere, so every
// variant does the same work):
//   fib     recursive fib(27)                               calls and returns
//   concat  200k strings "item" .. i, then table.concat      string building, allocation, GC
//   arith   1M-iteration integer loop x = (x + i*3) % 1000003 the bytecode interpreter itself
// Variants:
//   native          `lua5.4` (Debian); timed inside the Lua process with os.clock, so process start
//                   and source loading are excluded
//   native + hook   the same with a no-op count hook every 1000 instructions, like the sandbox's:
//                   what the hook costs native Lua (Lua checks per instruction once any is set)
//   wasmoon         a wasmoon function compiled once and called directly, no hook
//   sandbox         createSandbox in this thread, limits raised as high as allowed (budget
//                   MAX_SAFE_INTEGER, memory 2 GB, timeout 10 s = maxTimeoutMs); the sandbox always
//                   installs its count hook, so this is "our engine with limits that never trip"
//   sandbox limits  the same with the default limits (20M instructions, 32 MB, 1 s): every
//                   workload here fits; the instructions each used are reported
// Figures: median ms per execution over several iterations after a warm-up, and ratio = variant /
// native (1.0 = native speed). os.clock is CPU time while the JS side uses wall time; on an idle
// core they agree, on a busy one the JS figures are slightly pessimistic.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { LuaFactory } from 'wasmoon';
import { loadEngine, loadEngineInternals } from './lib/engine-internals.mjs';
import { emit, log, median, quick, round } from './lib/measure.mjs';

const run = promisify(execFile);

/** Bodies of functions without arguments; each returns a number that must agree across variants. */
const workloads = {
  fib: `local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
return fib(27)`,
  concat: `local parts = {}
for i = 1, 200000 do parts[i] = "item" .. i end
return #table.concat(parts, ",")`,
  arith: `local x = 0
for i = 1, 1000000 do x = (x + i * 3) % 1000003 end
return x`,
};
const iterations = quick ? { fib: 3, concat: 2, arith: 3 } : { fib: 30, concat: 10, arith: 40 };
// Warm-up: at least this many calls and this long, so that V8 has tiered the wasm up (Liftoff to
// TurboFan) before timing; too short a warm-up made wasmoon look 3x slower than it is.
const warmups = quick ? 1 : 3;
const warmupMs = quick ? 150 : 300;

const { createSandbox } = await loadEngine();
const { defaultLimits, maxTimeoutMs } = await loadEngineInternals();

// ---- Native: one Lua process runs every workload, timing each call with os.clock.
async function native(withHook) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-native-lua-'));
  const file = path.join(dir, 'bench.lua');
  const functions = Object.entries(workloads)
    .map(([name, body]) => `workloads[${JSON.stringify(name)}] = function()\n${body}\nend`)
    .join('\n');
  const counts = Object.entries(iterations)
    .map(([name, n]) => `[${JSON.stringify(name)}] = ${n}`)
    .join(', ');
  writeFileSync(
    file,
    `local workloads = {}
${functions}
local iterations = { ${counts} }
local order = { ${Object.keys(workloads)
      .map((name) => JSON.stringify(name))
      .join(', ')} }
${withHook ? 'debug.sethook(function() end, "", 1000)' : ''}
for _, name in ipairs(order) do
  local fn, times, value = workloads[name], {}, nil
  local warm, warmed = os.clock(), 0
  while warmed < ${warmups} or os.clock() - warm < ${warmupMs / 1000} do fn(); warmed = warmed + 1 end
  for i = 1, iterations[name] do
    local started = os.clock()
    value = fn()
    times[i] = (os.clock() - started) * 1000
  end
  table.sort(times)
  local n = #times
  local mid = n % 2 == 1 and times[(n + 1) // 2] or (times[n // 2] + times[n // 2 + 1]) / 2
  print(string.format("%s %.4f %s", name, mid, tostring(value)))
end
`,
  );
  try {
    const { stdout } = await run('lua5.4', [file], { timeout: 300_000 });
    const out = {};
    for (const line of stdout.trim().split('\n')) {
      const [name, ms, value] = line.split(' ');
      out[name] = { ms: Number(ms), value: Number(value) };
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median ms of `fn()` over the workload's iterations, after warm-ups; `fn` returns the workload's value. */
async function timed(name, fn) {
  let value;
  const warm = performance.now();
  for (let i = 0; i < warmups || performance.now() - warm < warmupMs; i++) value = await fn();
  const times = [];
  for (let i = 0; i < iterations[name]; i++) {
    const started = performance.now();
    value = await fn();
    times.push(performance.now() - started);
  }
  return { ms: median(times), value };
}

// ---- wasmoon bare: compiled once, called directly.
async function wasmoon() {
  const lua = await new LuaFactory().createEngine();
  const out = {};
  for (const [name, body] of Object.entries(workloads)) {
    await lua.doString(`__bench_${name} = function()\n${body}\nend`);
    const fn = lua.global.get(`__bench_${name}`);
    out[name] = await timed(name, () => fn());
  }
  lua.global.close();
  return out;
}

// ---- Our sandbox, in this thread (the pool would add only a thread hop, measured elsewhere).
const unlimited = {
  ...defaultLimits,
  instructionBudget: Number.MAX_SAFE_INTEGER,
  memoryBytes: 2 * 1024 ** 3,
  timeoutMs: maxTimeoutMs,
};
async function sandboxed(limits) {
  const sandbox = await createSandbox({ services: { matches: () => false } });
  const out = {};
  for (const [name, source] of Object.entries(workloads)) {
    const request = {
      script: { id: name, source, contentHash: createHash('sha256').update(source).digest('hex') },
      hook: 'signup.before',
      event: {},
      ctx: { hook: 'signup.before', data: {}, results: {}, env: {} },
      limits,
      secretNames: [],
    };
    let last;
    const result = await timed(name, async () => {
      last = await sandbox.run(request);
      return last.ok ? last.value : `${last.error.code}: ${last.error.message}`;
    });
    out[name] = { ...result, instructions: last.instructions, memoryPeakMB: round(last.memoryPeakBytes / 2 ** 20) };
  }
  sandbox.close();
  return out;
}

const variants = {};
let nativeNote;
try {
  await run('lua5.4', ['-v']);
  log('native-lua: native lua5.4…');
  variants.native = await native(false);
  log('native-lua: native lua5.4 with a count hook…');
  variants['native + hook'] = await native(true);
} catch (error) {
  nativeNote =
    error.code === 'ENOENT'
      ? 'lua5.4 is not installed (Debian: apt-get install lua5.4): the native baseline is skipped, ratios are vs wasmoon'
      : `native lua5.4 failed: ${error.message}`;
  log(`native-lua: NOTE: ${nativeNote}`);
}
log('native-lua: wasmoon…');
variants.wasmoon = await wasmoon();
log('native-lua: sandbox without limits…');
variants.sandbox = await sandboxed(unlimited);
log('native-lua: sandbox with default limits…');
variants['sandbox limits'] = await sandboxed(defaultLimits);

const baselineName = variants.native ? 'native' : 'wasmoon';
const baseline = variants[baselineName];
const figures = {};
const problems = [];
for (const name of Object.keys(workloads)) {
  const expected = baseline[name].value;
  figures[name] = {
    ms: Object.fromEntries(Object.entries(variants).map(([variant, r]) => [variant, round(r[name].ms)])),
    [`ratioVs${baselineName === 'native' ? 'Native' : 'Wasmoon'}`]: Object.fromEntries(
      Object.entries(variants)
        .filter(([variant]) => variant !== baselineName)
        .map(([variant, r]) => [variant, round(r[name].ms / baseline[name].ms)]),
    ),
    sandboxInstructions: variants['sandbox limits'][name].instructions,
    sandboxMemoryPeakMB: variants['sandbox limits'][name].memoryPeakMB,
  };
  for (const [variant, r] of Object.entries(variants)) {
    if (r[name].value !== expected)
      problems.push(`${name}: ${variant} returned ${r[name].value}, expected ${expected}`);
  }
}
for (const problem of problems) log(`native-lua: MISMATCH ${problem}`);

emit('native-lua', {
  ...(nativeNote ? { note: nativeNote } : {}),
  iterations,
  limits: {
    withoutLimits: `instructionBudget ${unlimited.instructionBudget}, memory 2 GB, timeout ${unlimited.timeoutMs} ms (count hook still on)`,
    withLimits: `defaults: instructionBudget ${defaultLimits.instructionBudget}, memory ${defaultLimits.memoryBytes / 2 ** 20} MB, timeout ${defaultLimits.timeoutMs} ms`,
  },
  ...figures,
  goals: [
    {
      name: 'every variant returns the same values (same work done)',
      met: problems.length === 0,
      value: problems.length,
      target: 0,
      ...(problems.length ? { detail: problems.join('; ') } : {}),
    },
  ],
});
