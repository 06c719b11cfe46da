// Times of a trace: OTLP keeps unix nanoseconds as decimal strings (they exceed 2^53), so offsets are
// taken with BigInt and only the small differences become numbers (milliseconds).

/** `to − from` in milliseconds, for unix-nanosecond strings; 0 for text that is not a time. */
export function nanosBetween(from: bigint, to: string): number {
  const value = toNanos(to);
  return value === null ? 0 : Number(value - from) / 1e6;
}

/**
 * A unix-nanosecond string as [whole milliseconds, nanoseconds below them]: both parts fit a double
 * exactly, so offsets between them are exact to the nanosecond without BigInt (whose parsing is
 * what dominated laying out thousands of spans). null for text that is not a time.
 */
export function splitNanos(text: string): [number, number] | null {
  if (!/^\d{1,20}$/.test(text)) return null;
  const cut = text.length - 6;
  return cut <= 0 ? [0, Number(text)] : [Number(text.slice(0, cut)), Number(text.slice(cut))];
}

/** `to − from` in milliseconds, for split times. */
export function splitBetween(from: [number, number], to: [number, number]): number {
  return to[0] - from[0] + (to[1] - from[1]) / 1e6;
}

export function toNanos(text: string): bigint | null {
  return /^\d{1,20}$/.test(text) ? BigInt(text) : null;
}

/** Epoch milliseconds of a unix-nanosecond string (precise enough for dates). */
export function nanosToEpochMs(text: string): number {
  const value = toNanos(text);
  return value === null ? Number.NaN : Number(value / 1_000_000n);
}

/** A duration the way people read one: `640 µs`, `8.25 ms`, `93.5 ms`, `1.24 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  if (ms === 0) return '0 ms';
  if (abs < 1) return `${Math.round(ms * 1000)} µs`;
  if (abs < 10) return `${trim(ms.toFixed(2))} ms`;
  if (abs < 1000) return `${trim(ms.toFixed(1))} ms`;
  if (abs < 60_000) return `${trim((ms / 1000).toFixed(2))} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((abs % 60_000) / 1000)} s`;
}

/** A signed difference: `+12.5 ms`, `−3.1 ms`, `±0 ms`. */
export function formatDelta(ms: number): string {
  if (Math.abs(ms) < 0.0005) return '±0 ms';
  return `${ms > 0 ? '+' : '−'}${formatDuration(Math.abs(ms))}`;
}

function trim(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** `2026-11-20 10:00:03.125` in the local time zone (the list's start column). */
export function formatStart(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return '—';
  const date = new Date(epochMs);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
  );
}

export interface Tick {
  ms: number;
  /** Where the tick sits in [from, to], 0…1. */
  fraction: number;
}

/** Round time marks (1, 2 or 5 × 10^k ms apart) covering [from, to], about `count` of them. */
export function timeTicks(fromMs: number, toMs: number, count = 5): { step: number; ticks: Tick[] } {
  const span = toMs - fromMs;
  if (!(span > 0) || count < 1) return { step: 0, ticks: [{ ms: fromMs, fraction: 0 }] };
  const rough = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const ticks: Tick[] = [];
  // Integer multiples of the step, so 0.1 + 0.2 never prints as 0.30000000000000004.
  for (let k = Math.ceil(fromMs / step - 1e-9); k * step <= toMs + step * 1e-9; k += 1) {
    const ms = Number((k * step).toPrecision(12));
    ticks.push({ ms, fraction: (ms - fromMs) / span });
  }
  return { step, ticks };
}
