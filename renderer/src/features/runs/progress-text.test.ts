import { describe, expect, it } from 'vitest';
import { formatDelta, formatDuration, formatMs, percentDone, rateText, timeLeftText } from './progress-text';

describe('progress text', () => {
  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
    expect(formatDuration(-1)).toBe('—');
  });

  it('says the time left only while running', () => {
    expect(timeLeftText('running', null)).toBe('estimating time left…');
    expect(timeLeftText('running', 400)).toBe('less than a second left');
    expect(timeLeftText('running', 65_000)).toBe('about 1 min 05 s left');
    expect(timeLeftText('done', null)).toBe('');
  });

  it('formats rates', () => {
    expect(rateText(1234.5)).toBe('1,235 events/s');
    expect(rateText(12.46)).toBe('12.5 events/s');
    expect(rateText(0)).toBe('— events/s');
  });

  it('computes whole percents, bounded', () => {
    expect(percentDone(1, 3)).toBe(33);
    expect(percentDone(5, 4)).toBe(100);
    expect(percentDone(0, 0)).toBe(100);
  });

  it('formats latencies and signed deltas', () => {
    expect(formatMs(0.423)).toBe('0.42 ms');
    expect(formatMs(31.26)).toBe('31.3 ms');
    expect(formatMs(120.4)).toBe('120 ms');
    expect(formatMs(1200)).toBe('1.20 s');
    expect(formatDelta(1.2)).toBe('+1.20 ms');
    expect(formatDelta(-0.4)).toBe('−0.40 ms');
    expect(formatDelta(0)).toBe('±0 ms');
    expect(formatDelta(null)).toBe('—');
  });
});
