import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capEvent, endUserCaps } from './end-user-caps';

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('capEvent', () => {
  it('keeps an ordinary event as it is', () => {
    const event = {
      user: { email: 'ada@example.com', name: 'Ada', metadata: { plan: 'pro', tags: ['a', 'b'] } },
      request: { ip: '203.0.113.9', userAgent: 'Mozilla/5.0' },
      at: '2026-01-01T00:00:00.000Z',
      flag: true,
      n: 3,
      none: null,
    };
    expect(capEvent(event)).toEqual(event);
  });

  it('caps names, user agents and lists an end user controls', () => {
    const capped = capEvent({
      user: { name: '@. ' + 'a'.repeat(100_000), tags: Array.from({ length: 5000 }, (_, i) => i) },
      request: { userAgent: 'U'.repeat(10_000) },
    }) as { user: { name: string; tags: number[] }; request: { userAgent: string } };
    expect(capped.user.name).toHaveLength(endUserCaps.stringChars);
    expect(capped.user.name.startsWith('@. aaa')).toBe(true);
    expect(capped.user.name.endsWith('…')).toBe(true);
    expect(capped.request.userAgent).toHaveLength(endUserCaps.userAgentChars);
    expect(capped.user.tags).toEqual(Array.from({ length: endUserCaps.entries }, (_, i) => i));
  });

  it('drops keys that would reach a prototype', () => {
    const hostile = JSON.parse('{"user":{"__proto__":{"isAdmin":true},"constructor":1,"name":"x"}}') as Record<
      string,
      unknown
    >;
    const capped = capEvent(hostile) as { user: Record<string, unknown> };
    expect(Object.getPrototypeOf(capped.user)).toBe(Object.prototype);
    expect(Object.keys(capped.user)).toEqual(['name']);
    expect((capped.user as { isAdmin?: boolean }).isAdmin).toBeUndefined();
  });

  it('leaves out what is nested too deep, however deep, without recursion', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 50_000; i++) deep = { a: deep };
    const capped = capEvent({ user: { metadata: deep } });
    expect(depthOf(capped)).toBe(endUserCaps.depth);
  });

  it('turns -0, which JSON cannot carry, into 0', () => {
    const capped = capEvent({ score: -0, list: [-0, 1] });
    expect(Object.is(capped.score, 0)).toBe(true);
    expect(Object.is((capped.list as number[])[0], 0)).toBe(true);
  });

  it('yields plain JSON within the caps for any input', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything({ maxDepth: 12 })), (event) => {
        const capped = capEvent(event);
        const text = JSON.stringify(capped);
        expect(JSON.parse(text)).toEqual(capped);
        expect(depthOf(capped)).toBeLessThanOrEqual(endUserCaps.depth);
      }),
    );
  });
});
