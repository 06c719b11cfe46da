import { describe, expect, it } from 'vitest';
import { isBusyError, retryWhileBusy } from './busy-retry';

const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

/** A clock that moves only when the retry sleeps, so the test does not depend on real time. */
function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  return { now: () => t, sleep: (ms: number) => (sleeps.push(ms), (t += ms)), sleeps };
}

describe('retryWhileBusy', () => {
  it('runs the work again while it is busy, and returns what it finally returns', () => {
    const time = fakeTime();
    let calls = 0;
    const value = retryWhileBusy(
      () => {
        calls += 1;
        if (calls < 4) throw busy();
        return 'opened';
      },
      { timeoutMs: 5000, ...time },
    );
    expect(value).toBe('opened');
    expect(calls).toBe(4);
    expect(time.sleeps).toEqual([5, 10, 20]);
  });

  it('gives up with the busy error once the timeout has passed, never sleeping past it', () => {
    const time = fakeTime();
    expect(() =>
      retryWhileBusy(
        () => {
          throw busy();
        },
        { timeoutMs: 250, ...time },
      ),
    ).toThrow('database is locked');
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBe(250);
    expect(Math.max(...time.sleeps)).toBeLessThanOrEqual(100);
  });

  it('does not retry other errors, nor anything with a zero timeout', () => {
    const time = fakeTime();
    let calls = 0;
    const fail = () => {
      calls += 1;
      throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    };
    expect(() => retryWhileBusy(fail, { timeoutMs: 1000, ...time })).toThrow('disk I/O error');
    expect(calls).toBe(1);
    expect(() =>
      retryWhileBusy(
        () => {
          throw busy();
        },
        { timeoutMs: 0, ...time },
      ),
    ).toThrow('database is locked');
    expect(time.sleeps).toEqual([]);
    expect(isBusyError(Object.assign(new Error('x'), { code: 'SQLITE_BUSY_RECOVERY' }))).toBe(true);
    expect(isBusyError(null)).toBe(false);
  });
});
