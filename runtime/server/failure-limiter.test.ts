import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './failure-limiter';

describe('FailureLimiter', () => {
  it('blocks an address after max failures until its window ends, per address', () => {
    const limiter = new FailureLimiter(3, 60_000);
    for (let i = 0; i < 2; i++) limiter.fail('a', 1000 + i);
    expect(limiter.retryAfterMs('a', 2000)).toBe(0);
    limiter.fail('a', 2000);
    expect(limiter.retryAfterMs('a', 2000)).toBe(59_000);
    expect(limiter.retryAfterMs('b', 2000)).toBe(0);
    expect(limiter.retryAfterMs('a', 61_000)).toBe(0);
    limiter.fail('a', 61_001);
    expect(limiter.retryAfterMs('a', 61_002)).toBe(0);
  });

  it('stays bounded in memory', () => {
    const limiter = new FailureLimiter(1, 60_000, 10);
    for (let i = 0; i < 100; i++) limiter.fail(`10.0.0.${i}`, 1000);
    expect(limiter.retryAfterMs('10.0.0.99', 1000)).toBeGreaterThan(0);
    expect(limiter.retryAfterMs('10.0.0.0', 1000)).toBe(0);
  });
});
