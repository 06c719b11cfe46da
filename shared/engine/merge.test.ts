import { describe, expect, it } from 'vitest';
import { copyJson, formatJsonPath, jsonEqual, mergeLayer } from './merge';
import type { JsonObject } from './types';

describe('mergeLayer', () => {
  it('merges plain objects deeply and replaces arrays and scalars', () => {
    const base: JsonObject = { claims: { roles: ['a', 'b'], tier: 'free', org: { id: 'o1' } }, n: 1 };
    const { data, conflicts } = mergeLayer(base, [
      { scriptId: 's', value: { claims: { roles: ['c'], org: { name: 'Acme' } }, n: 2 } },
    ]);
    expect(data).toEqual({ claims: { roles: ['c'], tier: 'free', org: { id: 'o1', name: 'Acme' } }, n: 2 });
    expect(conflicts).toEqual([]);
    expect(base).toEqual({ claims: { roles: ['a', 'b'], tier: 'free', org: { id: 'o1' } }, n: 1 });
  });

  it('lets the later script of the layer win and reports the key and both scripts', () => {
    const { data, conflicts } = mergeLayer({}, [
      { scriptId: 'first', value: { claims: { tier: 'free', a: 1 } } },
      { scriptId: 'second', value: { claims: { tier: 'pro', b: 2 } } },
    ]);
    expect(data).toEqual({ claims: { tier: 'pro', a: 1, b: 2 } });
    expect(conflicts).toEqual([{ path: 'claims.tier', overridden: 'first', winner: 'second' }]);
  });

  it('reports a subtree replaced by a scalar, and a list replaced by another', () => {
    const { data, conflicts } = mergeLayer({}, [
      { scriptId: 'a', value: { org: { id: 'o1' }, tags: ['x'] } },
      { scriptId: 'b', value: { org: 'none', tags: ['y'] } },
    ]);
    expect(data).toEqual({ org: 'none', tags: ['y'] });
    expect(conflicts).toEqual([
      { path: 'org', overridden: 'a', winner: 'b' },
      { path: 'tags', overridden: 'a', winner: 'b' },
    ]);
  });

  it('does not report sibling keys, equal values, or overriding what an earlier layer set', () => {
    const { conflicts } = mergeLayer({ plan: 'free' }, [
      { scriptId: 'a', value: { org: { id: 'o1' }, same: 1, plan: 'pro' } },
      { scriptId: 'b', value: { org: { name: 'Acme' }, same: 1 } },
    ]);
    expect(conflicts).toEqual([]);
  });

  it('drops keys that could reach a prototype, at any depth', () => {
    const hostile = JSON.parse(
      '{"__proto__":{"polluted":true},"a":{"constructor":{"prototype":1},"ok":1},"list":[{"__proto__":{"x":1},"y":2}]}',
    );
    const { data, droppedKeys } = mergeLayer({}, [{ scriptId: 'evil', value: hostile }]);
    expect(data).toEqual({ a: { ok: 1 }, list: [{ y: 2 }] });
    expect(droppedKeys.map((d) => d.path).sort()).toEqual(['__proto__', 'a.constructor', 'list[0].__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  it('does not share objects between the result and the contributions', () => {
    const value: JsonObject = { org: { id: 'o1' } };
    const { data } = mergeLayer({}, [{ scriptId: 'a', value }]);
    (data.org as JsonObject).id = 'changed';
    expect(value).toEqual({ org: { id: 'o1' } });
  });
});

describe('JSON helpers', () => {
  it('copies deeply', () => {
    const original: JsonObject = { a: { b: [1, { c: 2 }] } };
    const copy = copyJson(original);
    expect(copy).toEqual(original);
    ((copy.a as JsonObject).b as JsonObject[])[1] = { c: 3 };
    expect(original).toEqual({ a: { b: [1, { c: 2 }] } });
  });

  it('compares JSON values structurally, regardless of key order', () => {
    expect(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  });

  it('formats paths readably and unambiguously', () => {
    expect(formatJsonPath(['claims', 'tier'])).toBe('claims.tier');
    expect(formatJsonPath(['hooks', 'signup.before', 'layers', 0, 1])).toBe('hooks["signup.before"].layers[0][1]');
    expect(formatJsonPath(['scripts', 'add-roles', 'file'])).toBe('scripts.add-roles.file');
  });
});
