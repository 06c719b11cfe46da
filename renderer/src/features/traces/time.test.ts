import { describe, expect, it } from 'vitest';
import { formatDelta, formatDuration, nanosBetween, nanosToEpochMs, timeTicks, toNanos } from './time';

describe('trace times', () => {
  it('takes differences of nanosecond strings above 2^53 exactly', () => {
    const base = toNanos('1795686840045621826')!;
    expect(nanosBetween(base, '1795686840150398682')).toBeCloseTo(104.776856, 6);
    expect(nanosBetween(base, '1795686840045621826')).toBe(0);
    expect(nanosBetween(base, 'not a time')).toBe(0);
    expect(nanosToEpochMs('1795686840045621826')).toBe(1795686840045);
  });

  it('formats durations at a readable precision', () => {
    expect(formatDuration(0.64)).toBe('640 µs');
    expect(formatDuration(8.25)).toBe('8.25 ms');
    expect(formatDuration(8)).toBe('8 ms');
    expect(formatDuration(93.527)).toBe('93.5 ms');
    expect(formatDuration(1240)).toBe('1.24 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDelta(12.5)).toBe('+12.5 ms');
    expect(formatDelta(-3.1)).toBe('−3.1 ms');
    expect(formatDelta(0)).toBe('±0 ms');
  });

  it('places round ticks over a window', () => {
    const { step, ticks } = timeTicks(0, 93.5, 5);
    expect(step).toBe(20);
    expect(ticks.map((t) => t.ms)).toEqual([0, 20, 40, 60, 80]);
    expect(ticks[1]!.fraction).toBeCloseTo(20 / 93.5);
    const zoomed = timeTicks(0.1, 0.35, 5);
    expect(zoomed.step).toBe(0.05);
    expect(zoomed.ticks.map((t) => t.ms)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(timeTicks(5, 5).ticks).toEqual([{ ms: 5, fraction: 0 }]);
  });
});
