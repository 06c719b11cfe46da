import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPolling } from './poller';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('startPolling', () => {
  it('polls at once, then every interval after each answer, until the poll says stop', async () => {
    let calls = 0;
    startPolling(async () => ++calls < 3, 250);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(249);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(250);
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toBe(3);
  });

  it('never stacks polls behind a slow answer', async () => {
    let calls = 0;
    startPolling(() => {
      calls += 1;
      return new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 1000));
    }, 250);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(calls).toBe(2);
  });

  it('stops when its owner stops it, even with an answer on the way', async () => {
    let calls = 0;
    const stop = startPolling(async () => {
      calls += 1;
      return true;
    }, 250);
    stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(1);
  });

  it('keeps going after a failed poll', async () => {
    let calls = 0;
    const stop = startPolling(async () => {
      calls += 1;
      if (calls === 1) throw new Error('offline');
      return true;
    }, 100);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(2);
    stop();
  });
});
