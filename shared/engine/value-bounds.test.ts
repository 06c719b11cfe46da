import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkValueShape, eventBounds } from './value-bounds';

/** A value nested `depth` levels deep, built without recursion. */
function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

describe('checkValueShape', () => {
  it('accepts plain JSON data and reports its depth', () => {
    const shape = checkValueShape({ user: { email: 'a@example.com', tags: ['x', 1, true, null] } });
    expect(shape).toMatchObject({ ok: true, depth: 3 });
  });

  it('refuses values 20,000 and 200,000 levels deep without overflowing the stack', () => {
    for (const depth of [20_000, 200_000]) {
      expect(checkValueShape(nested(depth, (inner) => ({ a: inner })))).toMatchObject({ ok: false, bound: 'depth' });
      expect(checkValueShape(nested(depth, (inner) => [inner]))).toMatchObject({ ok: false, bound: 'depth' });
    }
  });

  it('takes exactly the bound: maxDepth levels pass, one more does not', () => {
    const bounds = { ...eventBounds, maxDepth: 5 };
    expect(
      checkValueShape(
        nested(5, (inner) => ({ a: inner })),
        bounds,
      ).ok,
    ).toBe(true);
    expect(
      checkValueShape(
        nested(6, (inner) => ({ a: inner })),
        bounds,
      ),
    ).toMatchObject({ ok: false, bound: 'depth' });
  });

  it('refuses too many values, too much text, and what is not JSON data', () => {
    expect(checkValueShape(Array.from({ length: 200_001 }, () => 0))).toMatchObject({ ok: false, bound: 'nodes' });
    expect(checkValueShape({ name: 'a'.repeat(eventBounds.maxBytes) })).toMatchObject({ ok: false, bound: 'bytes' });
    expect(checkValueShape({ n: Number.NaN })).toMatchObject({ ok: false, bound: 'type' });
    expect(checkValueShape({ f: () => 1 })).toMatchObject({ ok: false, bound: 'type' });
    expect(checkValueShape({ b: 1n })).toMatchObject({ ok: false, bound: 'type' });
  });

  it('agrees with JSON for any JSON value: its depth, and a size no smaller than its UTF-16 text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const shape = checkValueShape(value, { maxDepth: 64, maxBytes: Number.MAX_SAFE_INTEGER, maxNodes: 1e9 });
        expect(shape.ok).toBe(true);
        if (!shape.ok) return;
        expect(shape.depth).toBe(depthOf(value));
        expect(shape.bytes).toBeGreaterThanOrEqual(JSON.stringify(value).length - countEscapes(value));
      }),
    );
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), fc.integer({ min: 0, max: 40 }), (value, maxDepth) => {
        expect(() => checkValueShape(value, { maxDepth, maxBytes: 10_000, maxNodes: 1000 })).not.toThrow();
      }),
    );
  });
});

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.length === 0 ? 0 : 1 + Math.max(...children.map(depthOf));
}

/** Characters JSON writes as more than one (escapes): the estimate counts them once. */
function countEscapes(value: unknown): number {
  const text = JSON.stringify(value);
  let plain = 0;
  const walk = (v: unknown): void => {
    if (typeof v === 'string') plain += JSON.stringify(v).length - v.length - 2;
    else if (v !== null && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        if (!Array.isArray(v)) plain += JSON.stringify(key).length - key.length - 2;
        walk(child);
      }
    }
  };
  walk(value);
  return Math.min(plain, text.length);
}
