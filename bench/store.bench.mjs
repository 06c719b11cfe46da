// Workspace store benchmark: `node bench/store.bench.mjs [--traces N]`.
// 1. Spans written per second through the store's batched trace writer (TraceBatcher ->
//    traces.writeMany: summary row, spans, search text) against a raw better-sqlite3 prepared
//    INSERT of the same span rows, already serialised, in one transaction, into a table of the
//    same shape with the same connection settings. The ratio is ours / raw (goal >= 0.5).
// 2. Listing the latest 100 traces with filters out of 100,000 stored, median of several runs.
// Prints one JSON line on stdout; progress goes to stderr. The store is TypeScript and there is
// no TS runner, so core/store/index.ts is bundled with esbuild first (dependencies external, the
// output inside node_modules/.cache so that better-sqlite3 resolves).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { importTypeScript } from './lib/engine-internals.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argTraces = process.argv.indexOf('--traces');
const writeTraces = argTraces > 0 ? Number(process.argv[argTraces + 1]) : 20_000;
const storedTraces = 100_000;
const log = (message) => process.stderr.write(`${message}\n`);

const { Workspace } = await importTypeScript({ file: path.join(root, 'core/store/index.ts'), name: 'store' });

// ---- Traces shaped like the engine's: root, layer, 3 scripts (2 log lines each), 1 fetch.
const hooks = ['signup.before', 'signup.enrich', 'signin.before', 'session.enrich', 'token.enrich', 'signout.after'];
const words = ['checking', 'domain', 'allowed', 'roles', 'geo', 'lookup', 'cache', 'miss', 'score', 'region'];
let seq = 0;
const hex = (n, width) => n.toString(16).padStart(width, '0').slice(-width);
const nano = (ms) => `${Math.floor(ms)}${String(Math.round((ms % 1) * 1e6)).padStart(6, '0')}`;

function makeTrace(startMs) {
  seq += 1;
  const traceId = hex(seq, 16) + hex((seq * 2654435761) >>> 0, 16);
  const hook = hooks[seq % hooks.length];
  const roll = seq % 20;
  const status = roll === 0 ? 'error' : roll < 4 ? 'denied' : 'ok';
  const span = (i, parent, name, kind, at, duration) => ({
    traceId,
    spanId: hex(seq * 8 + i, 16),
    ...(parent === undefined ? {} : { parentSpanId: hex(seq * 8 + parent, 16) }),
    name,
    kind,
    startTimeUnixNano: nano(startMs + at),
    endTimeUnixNano: nano(startMs + at + duration),
    status: { code: 'UNSET' },
    attributes: {},
    events: [],
  });
  const rootSpan = span(0, undefined, `hook ${hook}`, 'hook', 0, 5);
  rootSpan.attributes = {
    'pipeline.hook': hook,
    'pipeline.ok': status !== 'error',
    'pipeline.layers': 1,
    'pipeline.warnings': 0,
  };
  if (hook.endsWith('.before')) rootSpan.attributes['pipeline.decision'] = status === 'denied' ? 'deny' : 'allow';
  if (status === 'denied') rootSpan.attributes['pipeline.reason'] = 'disposable email domain';
  if (status === 'error')
    rootSpan.status = { code: 'ERROR', message: 'script "s2": RUNTIME_ERROR: attempt to index a nil value' };
  const spans = [rootSpan, span(1, 0, 'layer 1', 'layer', 0.1, 4.8)];
  for (let s = 0; s < 3; s++) {
    const script = span(2 + s, 1, `script s${s}`, 'script', 0.2, 3 + s * 0.1);
    script.attributes = {
      'script.id': `s${s}`,
      'script.ok': true,
      'script.instructions': 1000 + seq,
      'script.duration_ms': 3,
    };
    script.events = [0, 1].map((j) => ({
      name: 'log',
      timeUnixNano: nano(startMs + 0.5 + j),
      attributes: {
        'script.log.level': 'info',
        'script.log.message':
          seq % 1000 === 0 && j === 0
            ? `rare-token-zq9 seen for user ${seq}`
            : `${words[(seq + s + j) % words.length]} user ${seq}`,
      },
    }));
    spans.push(script);
  }
  const fetch = span(5, 4, 'fetch GET https://api.example.com/score', 'fetch', 1, 1.2);
  fetch.attributes = { 'script.id': 's2', 'script.fetch.method': 'GET', 'script.fetch.status': 200 };
  spans.push(fetch);
  return { traceId, hook, spans };
}

const now = Date.now();
const startOf = (i, total) => now - 30 * 86_400_000 + (i / total) * 30 * 86_400_000;
const dirs = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-bench-'));
  dirs.push(dir);
  return dir;
};

// ---- 1. Write throughput: ours vs raw.
function rawInsert(traces) {
  const db = new Database(path.join(tempDir(), 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE spans (
    trace_id TEXT NOT NULL, position INTEGER NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT,
    name TEXT NOT NULL, kind TEXT NOT NULL, start_unix_nano INTEGER NOT NULL, end_unix_nano INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('UNSET', 'OK', 'ERROR')), status_message TEXT,
    attributes TEXT NOT NULL, events TEXT NOT NULL, PRIMARY KEY (trace_id, position)
  ) STRICT, WITHOUT ROWID`);
  const rows = traces.flatMap((trace) =>
    trace.spans.map((s, position) => [
      trace.traceId,
      position,
      s.spanId,
      s.parentSpanId ?? null,
      s.name,
      s.kind,
      BigInt(s.startTimeUnixNano),
      BigInt(s.endTimeUnixNano),
      s.status.code,
      s.status.message ?? null,
      JSON.stringify(s.attributes),
      JSON.stringify(s.events),
    ]),
  );
  const insert = db.prepare('INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const started = performance.now();
  db.transaction(() => {
    for (const row of rows) insert.run(...row);
  })();
  const ms = performance.now() - started;
  db.close();
  return { spans: rows.length, ms };
}

function batchedWrite(traces) {
  const workspace = Workspace.open({ dir: tempDir() });
  const sink = workspace.traceSink({ maxSpans: 5000 });
  const started = performance.now();
  for (const trace of traces) sink.write(trace);
  sink.flush();
  const ms = performance.now() - started;
  const spans = traces.reduce((n, t) => n + t.spans.length, 0);
  workspace.close();
  return { spans, ms };
}

log(`bench: writing ${writeTraces} traces (${writeTraces * 6} spans) both ways…`);
const warmup = Array.from({ length: 500 }, (_, i) => makeTrace(startOf(i, 500)));
rawInsert(warmup);
batchedWrite(warmup);
const sample = Array.from({ length: writeTraces }, (_, i) => makeTrace(startOf(i, writeTraces)));
const raw = rawInsert(sample);
const ours = batchedWrite(sample);
const rawPerSecond = raw.spans / (raw.ms / 1000);
const oursPerSecond = ours.spans / (ours.ms / 1000);

// ---- 2. Listing the latest 100 out of 100,000.
log(`bench: storing ${storedTraces} traces for the listing…`);
const listDir = tempDir();
const workspace = Workspace.open({ dir: listDir });
for (let i = 0; i < storedTraces; i += 5000) {
  workspace.traces.writeMany(Array.from({ length: 5000 }, (_, j) => makeTrace(startOf(i + j, storedTraces))));
}
const median = (fn, runs = 7) => {
  const times = [];
  let rows = 0;
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    rows = fn().length;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: Number(times[Math.floor(runs / 2)].toFixed(2)), rows };
};
const week = { fromMs: now - 7 * 86_400_000 };
const listing = {
  latest: median(() => workspace.traces.list({ limit: 100 })),
  byHook: median(() => workspace.traces.list({ hook: 'token.enrich', limit: 100 })),
  byStatus: median(() => workspace.traces.list({ status: 'error', limit: 100 })),
  hookStatusLastWeek: median(() =>
    workspace.traces.list({ hook: 'signup.before', status: 'denied', ...week, limit: 100 }),
  ),
  textCommon: median(() => workspace.traces.list({ text: 'lookup', limit: 100 })),
  textRare: median(() => workspace.traces.list({ text: 'rare-token-zq9', limit: 100 })),
  textAndHook: median(() => workspace.traces.list({ text: 'score', hook: 'signin.before', limit: 100 })),
};
const stored = workspace.traces.count();
workspace.close();

for (const dir of dirs) rmSync(dir, { recursive: true, force: true });

process.stdout.write(
  `${JSON.stringify({
    bench: 'store',
    write: {
      spans: ours.spans,
      batchedSpansPerSecond: Math.round(oursPerSecond),
      rawSpansPerSecond: Math.round(rawPerSecond),
      ratio: Number((oursPerSecond / rawPerSecond).toFixed(3)),
      goal: 0.5,
    },
    list: {
      storedTraces: stored,
      limit: 100,
      ms: Object.fromEntries(Object.entries(listing).map(([k, v]) => [k, v.ms])),
    },
    listRows: Object.fromEntries(Object.entries(listing).map(([k, v]) => [k, v.rows])),
  })}\n`,
);
