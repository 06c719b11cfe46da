import type { HookId } from '../../../shared/hooks';
import type { Trace, TraceSpan } from '../../../shared/engine';

// Traces shaped like the engine's (shared/engine/pipeline.ts): a root `hook …` span with the
// pipeline.* attributes, a layer span, and script spans with `log` events.

let counter = 0;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);

export interface TraceFixture {
  hook?: HookId;
  status?: 'ok' | 'denied' | 'error';
  startMs?: number;
  logs?: string[];
  scripts?: number;
}

export function makeTrace(fixture: TraceFixture = {}): Trace {
  counter += 1;
  const hook = fixture.hook ?? 'signup.before';
  const status = fixture.status ?? 'ok';
  const startMs = fixture.startMs ?? Date.now();
  const traceId = hex(counter, 16) + hex(Math.floor(Math.random() * 2 ** 32), 16);
  const nano = (ms: number) => `${Math.floor(ms)}${String(Math.round((ms % 1) * 1e6)).padStart(6, '0')}`;
  const span = (
    id: number,
    parent: number | undefined,
    name: string,
    kind: TraceSpan['kind'],
    at: number,
  ): TraceSpan => ({
    traceId,
    spanId: hex(counter * 16 + id, 16),
    ...(parent !== undefined ? { parentSpanId: hex(counter * 16 + parent, 16) } : {}),
    name,
    kind,
    startTimeUnixNano: nano(startMs + at),
    endTimeUnixNano: nano(startMs + at + 1.5),
    status: { code: 'UNSET' },
    attributes: {},
    events: [],
  });
  const root = span(0, undefined, `hook ${hook}`, 'hook', 0);
  root.endTimeUnixNano = nano(startMs + 4.25);
  root.attributes = { 'pipeline.hook': hook, 'pipeline.ok': status !== 'error', 'pipeline.layers': 1 };
  if (hook.endsWith('.before')) root.attributes['pipeline.decision'] = status === 'denied' ? 'deny' : 'allow';
  if (status === 'denied') root.attributes['pipeline.reason'] = 'disposable email domain';
  if (status === 'error')
    root.status = { code: 'ERROR', message: 'script "s1": RUNTIME_ERROR: attempt to index a nil value' };
  const layer = span(1, 0, 'layer 1', 'layer', 0.1);
  const scripts = Array.from({ length: fixture.scripts ?? 2 }, (_, i) => {
    const s = span(2 + i, 1, `script s${i + 1}`, 'script', 0.2);
    s.attributes = { 'script.id': `s${i + 1}`, 'script.ok': true, 'script.instructions': 1234 + i };
    s.events = (fixture.logs ?? []).map((message, j) => ({
      name: 'log',
      timeUnixNano: nano(startMs + 0.3 + j),
      attributes: { 'script.log.level': 'info', 'script.log.message': message },
    }));
    return s;
  });
  return { traceId, hook, spans: [root, layer, ...scripts] };
}
