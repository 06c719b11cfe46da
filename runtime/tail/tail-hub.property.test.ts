import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hookIds, type HookId } from '../../shared/hooks';
import { TailHub, type TailFilter } from './tail-hub';
import { tailOutcomes } from './tail-query';
import type { FinishedInvocation } from './tail-types';

// For any invocations, filters, clock and budget: a follower is sent only what its filter passes,
// nothing twice, and what it was sent plus what it was told was dropped is what matched.

const someHooks = hookIds.slice(0, 4) as HookId[];
const words = ['Blocked', 'slow', 'TIMEOUT', 'geo', 'Ab', 'ß', 'İ'];

const invocationArb = fc.record({
  hook: fc.constantFrom(...someHooks),
  outcome: fc.constantFrom(...tailOutcomes),
  version: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  reason: fc.option(fc.constantFrom(...words), { nil: undefined }),
  error: fc.option(
    fc.record({
      code: fc.constantFrom('TIMEOUT', 'LUA_ERROR'),
      script: fc.option(fc.constantFrom('geo', 'Rate'), { nil: undefined }),
    }),
    { nil: undefined },
  ),
  /** Milliseconds since the previous invocation. */
  step: fc.nat({ max: 40 }),
});

const filterArb: fc.Arbitrary<TailFilter> = fc.record(
  {
    hooks: fc.uniqueArray(fc.constantFrom(...someHooks), { maxLength: 3 }),
    outcomes: fc.uniqueArray(fc.constantFrom(...tailOutcomes), { maxLength: 3 }),
    version: fc.integer({ min: 1, max: 3 }),
    text: fc.constantFrom('time', 'GEO', 'b', 'signup', 'trace-00', 'ab', 'ss', 'i̇'),
  },
  { requiredKeys: [] },
);

/** The filter as docs/live-tail.md states it, written independently of tail-filter.ts. */
function passes(filter: TailFilter, item: FinishedInvocation): boolean {
  if (filter.hooks?.length && !filter.hooks.includes(item.hook)) return false;
  if (filter.outcomes?.length && !filter.outcomes.includes(item.outcome)) return false;
  if (filter.version !== undefined && item.version !== filter.version) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    const fields = [item.hook, item.reason, item.error?.code, item.error?.script, item.traceId];
    if (!fields.some((field) => field !== undefined && field.toLowerCase().includes(needle))) return false;
  }
  return true;
}

describe('the tail hub, for any invocations and filters', () => {
  it('sends only what passes, never twice, and sent + dropped = matching', () => {
    fc.assert(
      fc.property(
        fc.array(invocationArb, { maxLength: 400 }),
        fc.array(fc.record({ filter: filterArb, maxRate: fc.integer({ min: 1, max: 60 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 10, max: 500 }),
        (items, followers, windowMs) => {
          let now = 0;
          const hub = new TailHub({ now: () => now, maxRate: 60, windowMs });
          const followed = followers.map(({ filter, maxRate }) => {
            const seen = { matching: 0, sent: [] as FinishedInvocation[], reports: 0 };
            const subscription = hub.subscribe(
              filter,
              (delivery) => {
                if (delivery.kind === 'invocation') {
                  seen.sent.push(delivery.invocation);
                  return;
                }
                seen.reports += 1;
                // Every announcement is true when it is made.
                expect(delivery.dropped).toBe(seen.matching - seen.sent.length);
                expect(delivery.rate).toBeGreaterThanOrEqual(0);
                expect(delivery.rate).toBeLessThanOrEqual(1);
                if (delivery.dropped > 0 && seen.sent.length === 0) expect(delivery.rate).toBeLessThan(1);
              },
              { maxRate },
            );
            return { filter, seen, subscription };
          });
          items.forEach((item, n) => {
            now += item.step;
            const published: FinishedInvocation = {
              at: now,
              hook: item.hook,
              mode: 'blocking',
              outcome: item.outcome,
              version: item.version,
              durationMs: 1,
              traceId: `trace-${String(n).padStart(5, '0')}`,
              ...(item.reason !== undefined ? { reason: item.reason } : {}),
              ...(item.error ? { error: item.error.script ? item.error : { code: item.error.code } } : {}),
            };
            for (const { filter, seen } of followed) if (passes(filter, published)) seen.matching += 1;
            hub.publish(published);
          });
          for (const { filter, seen, subscription } of followed) {
            expect(seen.sent.every((item) => passes(filter, item))).toBe(true);
            expect(new Set(seen.sent.map((item) => item.traceId)).size).toBe(seen.sent.length);
            const counts = subscription.counts();
            expect(counts.matching).toBe(seen.matching);
            expect(counts.sent).toBe(seen.sent.length);
            expect(counts.sent + counts.dropped).toBe(counts.matching);
            // A follower that keeps up with everything is never told of a lower share.
            if (counts.dropped === 0) expect(seen.reports).toBe(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
