// Small helpers shared by the benches: options, medians, progress and the result line that
// bench/run.mjs reads (the protocol is described in bench/README.md).
import { performance } from 'node:perf_hooks';

/** `--quick`: smaller sizes, for a smoke check that the benches still run. */
export const quick = process.argv.includes('--quick');

/** Progress goes to stderr, so that stdout carries only the result line. */
export function log(message) {
  process.stderr.write(`${message}\n`);
}

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rounds to `digits` significant decimals for the table; keeps big numbers whole. */
export function round(value, digits = 3) {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 1000) return Math.round(value);
  return Number(value.toPrecision(digits));
}

/** Milliseconds taken by `fn` (awaited when it returns a promise). */
export async function timeMs(fn) {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/**
 * Prints the final result line: `{ "bench": name, ...figures }`. A self-evaluated goal goes in
 * `goals` as `{ name, met, value, target }`; a `{ ratio, goal }` pair anywhere is read by the
 * runner as "ratio >= goal" (the convention store.bench.mjs already uses).
 */
export function emit(name, figures) {
  process.stdout.write(`${JSON.stringify({ bench: name, ...figures })}\n`);
}
