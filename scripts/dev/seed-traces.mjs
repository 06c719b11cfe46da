#!/usr/bin/env node
// Fills a workspace with synthetic traces for trying the trace timeline at scale:
//   node scripts/dev/seed-traces.mjs --data /tmp/studio-c [--traces 100000] [--big-spans 2000]
// Writes `--traces` small traces shaped like the engine's (hook → layers → parallel scripts →
// fetches, log lines, some denied, some failed with a line number, one in ten tied to a library
// event id `seed-evt-N` so that traces of one event can be compared), plus one large trace of
// `--big-spans` spans, through the store's own batched writer. Prints { traces, bigTraceId }.
// Times are within the last day, so trace retention (30 days) keeps them.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTypeScript } from '../../bench/lib/engine-internals.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const dataDir = option('data');
if (!dataDir) {
  process.stderr.write('Usage: node scripts/dev/seed-traces.mjs --data DIR [--traces N] [--big-spans N]\n');
  process.exit(2);
}
const traceCount = Number(option('traces', '100000'));
const bigSpans = Number(option('big-spans', '2000'));

const { Workspace } = await importTypeScript({ file: path.join(root, 'core/store/index.ts'), name: 'seed-store' });

const hooks = ['signup.before', 'signin.before', 'token.enrich', 'session.enrich', 'signup.after'];
const scripts = ['block-disposable', 'geo-lookup', 'risk-score', 'add-roles', 'audit', 'rate-limit'];
const words = ['checking', 'domain', 'allowed', 'roles', 'geo', 'lookup', 'cache', 'miss', 'score', 'region'];
let seq = 0;
const hex = (n, width) => n.toString(16).padStart(width, '0').slice(-width);
const nano = (ms) => `${Math.floor(ms)}${String(Math.round((ms % 1) * 1e6)).padStart(6, '0')}`;
// Deterministic pseudo-random numbers, so two seeds of one size look alike.
let state = 42;
const random = () => {
  state = (state * 1664525 + 1013904223) >>> 0;
  return state / 2 ** 32;
};

function traceIds() {
  seq += 1;
  return { traceId: hex(seq, 16) + hex((seq * 2654435761) >>> 0, 16), spanSeq: 0 };
}

function makeSpan(ids, parent, name, kind, startMs, durationMs, attributes = {}, events = []) {
  ids.spanSeq += 1;
  return {
    traceId: ids.traceId,
    spanId: hex(seq * 4096 + ids.spanSeq, 16),
    ...(parent ? { parentSpanId: parent.spanId } : {}),
    name,
    kind,
    startTimeUnixNano: nano(startMs),
    endTimeUnixNano: nano(startMs + durationMs),
    status: { code: 'OK' },
    attributes,
    events,
  };
}

/** A pipeline trace: `layers` layers of `perLayer` parallel scripts, some with a fetch. */
function pipelineTrace(startMs, { hook, layers, perLayer, fail, deny, eventId }) {
  const ids = traceIds();
  const spans = [];
  const root = makeSpan(ids, null, `hook ${hook}`, 'hook', startMs, 0, {
    'pipeline.hook': hook,
    'pipeline.mode': hook.endsWith('.before') ? 'blocking' : hook.endsWith('.enrich') ? 'enrichment' : 'async',
    'pipeline.layers': layers,
    'pipeline.ok': !fail,
  });
  spans.push(root);
  let cursor = startMs + 0.05;
  for (let l = 1; l <= layers; l += 1) {
    const layer = makeSpan(ids, root, `layer ${l}`, 'layer', cursor, 0, {
      'pipeline.layer': l,
      'pipeline.layer.scripts': perLayer,
    });
    spans.push(layer);
    let layerEnd = cursor;
    for (let s = 0; s < perLayer; s += 1) {
      const scriptId = perLayer > scripts.length ? `script-${l}-${s}` : scripts[(l + s) % scripts.length];
      const start = cursor + 0.02 * s;
      const duration = 0.3 + random() * (s === 0 ? 12 : 6);
      const failing = fail && l === layers && s === 0;
      const attributes = {
        'script.id': scriptId,
        'script.layer': l,
        'script.ok': !failing,
        'script.duration_ms': duration,
        'script.instructions': Math.floor(random() * 50_000),
      };
      const word = words[Math.floor(random() * words.length)];
      const events = [
        {
          name: 'log',
          timeUnixNano: nano(start + duration * 0.3),
          attributes: { 'script.log.level': 'info', 'script.log.message': `${word} ${seq}` },
        },
      ];
      if (failing) {
        attributes['script.error.code'] = 'RUNTIME_ERROR';
        attributes['script.error.message'] = 'attempt to index a nil value (field "user")';
        attributes['script.error.line'] = 3;
      } else {
        attributes['script.result'] = JSON.stringify({ data: { [word]: Math.round(random() * 100) } });
      }
      const script = makeSpan(ids, layer, `script ${scriptId}`, 'script', start, duration, attributes, events);
      if (failing)
        script.status = { code: 'ERROR', message: 'RUNTIME_ERROR: attempt to index a nil value (field "user")' };
      spans.push(script);
      if (s % 2 === 1) {
        spans.push(
          makeSpan(ids, script, 'fetch GET https://risk.example/v1/score', 'fetch', start + 0.1, duration * 0.7, {
            'script.id': scriptId,
            'script.fetch.method': 'GET',
            'script.fetch.url': 'https://risk.example/v1/score',
            'script.fetch.status': 200,
          }),
        );
      }
      layerEnd = Math.max(layerEnd, start + duration);
    }
    layer.endTimeUnixNano = nano(layerEnd + 0.01);
    cursor = layerEnd + 0.05;
  }
  root.endTimeUnixNano = nano(cursor);
  if (hook.endsWith('.before')) root.attributes['pipeline.decision'] = deny ? 'deny' : 'allow';
  if (deny) {
    root.attributes['pipeline.reason'] = 'disposable email domain';
    root.attributes['pipeline.denied_by'] = 'block-disposable';
  }
  if (fail) {
    root.status = { code: 'ERROR', message: 'script "x": RUNTIME_ERROR: attempt to index a nil value' };
    root.attributes['pipeline.error.code'] = 'RUNTIME_ERROR';
  }
  return { traceId: ids.traceId, hook, spans, ...(eventId ? { eventId } : {}) };
}

const workspace = Workspace.open({ dir: dataDir });
const started = performance.now();
const now = Date.now();
const batch = [];
for (let i = 0; i < traceCount; i += 1) {
  const hook = hooks[i % hooks.length];
  const roll = i % 20;
  batch.push(
    pipelineTrace(now - 86_400_000 + (i * 86_000_000) / Math.max(1, traceCount), {
      hook,
      layers: 1 + (i % 3),
      perLayer: 1 + (i % 3),
      fail: roll === 0,
      deny: roll > 0 && roll < 4 && hook.endsWith('.before'),
      ...(i % 10 === 0 ? { eventId: `seed-evt-${Math.floor(i / 20)}` } : {}),
    }),
  );
  if (batch.length === 2000) workspace.traces.writeMany(batch.splice(0));
}
let bigTraceId = null;
if (bigSpans > 0) {
  // 1 root + L layers × (1 + S scripts + S/2 fetches): choose L and S for about `bigSpans` spans.
  const layers = 40;
  const perLayer = Math.max(1, Math.round((bigSpans / layers - 1) / 1.5));
  const big = pipelineTrace(now - 1000, { hook: 'signup.before', layers, perLayer, fail: true, deny: false });
  bigTraceId = big.traceId;
  batch.push(big);
}
workspace.traces.writeMany(batch.splice(0));
workspace.close();
process.stdout.write(
  `${JSON.stringify({ traces: traceCount + (bigTraceId ? 1 : 0), bigTraceId, seconds: (performance.now() - started) / 1000 })}\n`,
);
