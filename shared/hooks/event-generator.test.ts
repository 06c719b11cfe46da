import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkValueShape, eventBounds } from '../engine/value-bounds';
import {
  edgeCaseTags,
  generateEvent,
  generateEvents,
  generatedDepth,
  hugeStringLength,
  maxGeneratedEvents,
  type EdgeCase,
} from './event-generator';
import { hookIds } from './hook-ids';
import { validateEvent } from './validate-event';

const anyHook = fc.constantFrom(...hookIds);
const anySeed = fc.integer();
const anyIndex = fc.nat({ max: 50_000 });

function longestString(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value === null || typeof value !== 'object') return 0;
  const entries = Array.isArray(value) ? value : [...Object.keys(value), ...Object.values(value)];
  return Math.max(0, ...entries.map(longestString));
}

describe('generateEvent', () => {
  it('makes events every hook accepts, for any seed and index', () => {
    fc.assert(
      fc.property(anyHook, anySeed, anyIndex, (hook, seed, index) => {
        const { event } = generateEvent(hook, seed, index);
        const validation = validateEvent(hook, event);
        expect(validation.ok ? true : validation.message).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("stays within the engine's event bounds and survives JSON unchanged", () => {
    fc.assert(
      fc.property(anyHook, anySeed, anyIndex, (hook, seed, index) => {
        const { event } = generateEvent(hook, seed, index);
        const shape = checkValueShape(event, eventBounds);
        expect(shape).toMatchObject({ ok: true });
        if (shape.ok) expect(shape.depth).toBeLessThanOrEqual(generatedDepth);
        expect(longestString(event)).toBeLessThanOrEqual(hugeStringLength.max + 4);
        expect(JSON.parse(JSON.stringify(event))).toEqual(event);
      }),
      { numRuns: 400 },
    );
  });

  it('is deterministic: the same hook, seed and index give the same event and tags', () => {
    fc.assert(
      fc.property(anyHook, anySeed, anyIndex, (hook, seed, index) => {
        expect(generateEvent(hook, seed, index)).toEqual(generateEvent(hook, seed, index));
      }),
      { numRuns: 200 },
    );
  });

  it('gives other events for another seed', () => {
    const a = [...generateEvents('signin.before', 1, 20)].map((g) => JSON.stringify(g.event));
    const b = [...generateEvents('signin.before', 2, 20)].map((g) => JSON.stringify(g.event));
    expect(a).not.toEqual(b);
  });

  it.each(hookIds)('exercises every edge case and some typical events over 600 events of %s', (hook) => {
    const seen = new Map<EdgeCase | 'typical', number>();
    for (const generated of generateEvents(hook, 20261203, 600)) {
      const tags = generated.edgeCases.length === 0 ? ['typical' as const] : generated.edgeCases;
      for (const tag of tags) seen.set(tag, (seen.get(tag) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([...edgeCaseTags, 'typical'].sort());
  });

  it('tags what it generated: a huge string, a NUL, nesting at depth, a missing optional field', () => {
    const events = [...generateEvents('signin.before', 7, 600)];
    const tagged = (tag: EdgeCase) => events.filter((g) => g.edgeCases.includes(tag));
    for (const g of tagged('huge-string')) expect(longestString(g.event)).toBeGreaterThanOrEqual(hugeStringLength.min);
    for (const g of tagged('nul')) expect(JSON.stringify(g.event)).toContain('\\u0000');
    for (const g of tagged('deep-nesting')) expect(checkValueShape(g.event)).toMatchObject({ depth: generatedDepth });
    const typical = events.filter((g) => g.edgeCases.length === 0);
    for (const g of typical) {
      expect(g.event.request).toHaveProperty('userAgent');
      expect(longestString(g.event)).toBeLessThan(200);
    }
  });

  it('caps a sequence at the maximum count', () => {
    let n = 0;
    for (const _ of generateEvents('signout.after', 0, maxGeneratedEvents + 5)) n += 1;
    expect(n).toBe(maxGeneratedEvents);
    expect([...generateEvents('signout.after', 0, -3)]).toEqual([]);
  });
});
