import type { TraceSpan } from './types';

// Spans for the pure modules' tests, written in milliseconds from a base above 2^53 nanoseconds so
// that the BigInt arithmetic is exercised too.

const base = 1_795_686_840_000_000_000n;

export const traceId = 'a'.repeat(32);

export function at(ms: number): string {
  return (base + BigInt(Math.round(ms * 1e6))).toString();
}

export function span(
  spanId: string,
  parent: string | undefined,
  kind: TraceSpan['kind'],
  name: string,
  startMs: number,
  endMs: number,
  extra: Partial<Pick<TraceSpan, 'status' | 'attributes' | 'events'>> = {},
): TraceSpan {
  return {
    traceId,
    spanId,
    ...(parent === undefined ? {} : { parentSpanId: parent }),
    name,
    kind,
    startTimeUnixNano: at(startMs),
    endTimeUnixNano: at(endMs),
    status: extra.status ?? { code: 'OK' },
    attributes: extra.attributes ?? {},
    events: extra.events ?? [],
  };
}

/**
 * A blocking hook with two layers: layer 1 runs `geo` and `slow-check` in parallel (slow-check
 * fetches), layer 2 runs `decide`.
 */
export function layeredTrace(): TraceSpan[] {
  return [
    span('s-geo', 'l1', 'script', 'script geo', 1, 20, { attributes: { 'script.id': 'geo', 'script.layer': 1 } }),
    span('s-slow', 'l1', 'script', 'script slow-check', 1.2, 60, {
      attributes: { 'script.id': 'slow-check', 'script.layer': 1 },
    }),
    span('f-1', 's-slow', 'fetch', 'fetch GET https://risk.example/score', 5, 55, {
      attributes: { 'script.id': 'slow-check' },
    }),
    span('l1', 'root', 'layer', 'layer 1', 0.5, 61, { attributes: { 'pipeline.layer': 1 } }),
    span('s-decide', 'l2', 'script', 'script decide', 62, 80, {
      attributes: { 'script.id': 'decide', 'script.layer': 2 },
    }),
    span('l2', 'root', 'layer', 'layer 2', 61.5, 81, { attributes: { 'pipeline.layer': 2 } }),
    span('root', undefined, 'hook', 'hook signup.before', 0, 82, {
      attributes: { 'pipeline.hook': 'signup.before', 'pipeline.decision': 'allow' },
    }),
  ];
}
