import type { JsonValue } from '../../types';

// Data crosses the sandbox boundary only as plain JSON. Keys that could reach an object's
// prototype when the host later merges a value (`target[key] = value`) are dropped both ways, so
// neither a replayed event nor a script's result can pollute the host
// (docs/engine.md, "Measured facts about wasmoon": host object proxies).

export const forbiddenKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface ValueBounds {
  maxBytes: number;
  maxDepth: number;
}

export type BoundedJson = { ok: true; json: string } | { ok: false; message: string };

class BoundsError extends Error {}

const dropForbidden = (key: string, value: unknown): unknown => (forbiddenKeys.has(key) ? undefined : value);

/** The JSON text of a plain value, forbidden keys dropped; `what` names it in messages. */
export function toBoundedJson(value: unknown, bounds: ValueBounds, what: string): BoundedJson {
  let hasForbidden = false;
  const path: Array<string | number> = [];
  const visit = (v: unknown, depth: number): void => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(v)) throw new BoundsError(`${describe(what, path)} is not a finite number`);
        return;
      case 'object': {
        if (v === null) return;
        if (depth >= bounds.maxDepth) {
          throw new BoundsError(`${describe(what, path)} is nested deeper than ${bounds.maxDepth} levels`);
        }
        if (Array.isArray(v)) {
          v.forEach((item: unknown, i) => {
            path.push(i);
            visit(item, depth + 1);
            path.pop();
          });
          return;
        }
        const proto: unknown = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) {
          throw new BoundsError(`${describe(what, path)} is not a plain object`);
        }
        for (const key of Object.keys(v)) {
          if (forbiddenKeys.has(key)) {
            hasForbidden = true;
            continue;
          }
          path.push(key);
          visit((v as Record<string, unknown>)[key], depth + 1);
          path.pop();
        }
        return;
      }
      default:
        throw new BoundsError(`${describe(what, path)} is a ${typeof v}, which is not JSON`);
    }
  };
  try {
    visit(value, 0);
  } catch (error) {
    if (error instanceof BoundsError) return { ok: false, message: error.message };
    throw error;
  }
  const json = hasForbidden ? JSON.stringify(value, dropForbidden) : JSON.stringify(value);
  if (
    json.length > bounds.maxBytes ||
    (json.length * 3 > bounds.maxBytes && Buffer.byteLength(json) > bounds.maxBytes)
  ) {
    return { ok: false, message: `${what} is larger than ${bounds.maxBytes} bytes` };
  }
  return { ok: true, json };
}

/** Parses JSON made by the sandbox's encoder and drops forbidden keys once more, whatever made it. */
export function parseSandboxJson(json: string): JsonValue {
  const value = JSON.parse(json) as JsonValue;
  stripForbidden(value);
  return value;
}

function stripForbidden(value: JsonValue): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) stripForbidden(item);
    return;
  }
  for (const key of Object.keys(value)) {
    if (forbiddenKeys.has(key)) delete value[key];
    else stripForbidden(value[key] as JsonValue);
  }
}

function describe(what: string, path: ReadonlyArray<string | number>): string {
  let text = what;
  for (const key of path) {
    text +=
      typeof key === 'number'
        ? `[${key}]`
        : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
          ? `.${key}`
          : `[${JSON.stringify(key)}]`;
  }
  return text;
}
