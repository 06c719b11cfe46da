import type { JsonObject, JsonValue } from './types';

// Enrichment merging and the small JSON helpers the pure engine shares (copying, paths, equality).
//
// Merge rules (docs/engine.md, "Pipelines"): plain objects merge deeply; arrays and scalars
// replace what was there.
// A conflict is two scripts of the SAME layer writing the same leaf (or one replacing a subtree the
// other wrote) with different values: the later script in the layer wins and a warning names the
// key and both scripts. Writing the value that is already there is not reported, since nothing an
// admin sees depends on which script won. A later layer overwriting an earlier layer's key is the
// point of layering (it saw `ctx.data`), so it is not a conflict either.
// Keys that could reach an object's prototype (`__proto__`, `constructor`, `prototype`) are dropped
// with a warning: merged data flows into later scripts and into the host app's records.

export type JsonPath = readonly (string | number)[];

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy of JSON data. structuredClone is not in the ES2022 lib (and not in every host the
 * pure engine runs in); JSON values need nothing more than this. Prototype-reaching keys are
 * defined as own data properties so that copying never changes a prototype.
 */
export function copyJson<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => copyJson(item)) as T;
  if (isPlainObject(value)) {
    const copy: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      Object.defineProperty(copy, key, { value: copyJson(item), enumerable: true, writable: true, configurable: true });
    }
    return copy as T;
  }
  return value;
}

export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

const plainKey = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `claims.tier`, `hooks["signup.before"].layers[0][1]`: jq-like, readable, unambiguous for dotted keys. */
export function formatJsonPath(path: JsonPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (plainKey.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

export interface MergeConflict {
  path: string;
  /** The script whose value was replaced. */
  overridden: string;
  /** The script later in the layer, whose value was kept. */
  winner: string;
}

export interface LayerMerge {
  data: JsonObject;
  conflicts: MergeConflict[];
  /** Keys dropped because they could reach a prototype, as `scriptId: path`. */
  droppedKeys: { scriptId: string; path: string }[];
}

export interface EnrichmentContribution {
  scriptId: string;
  value: JsonObject;
}

/**
 * Merges one layer's contributions, in layer order, into a copy of `base`. Neither `base` nor the
 * contributions are modified or shared with the result.
 */
export function mergeLayer(base: JsonObject, contributions: readonly EnrichmentContribution[]): LayerMerge {
  const data = copyJson(base);
  const written = new Map<string, { path: JsonPath; scriptId: string }>();
  const conflicts: MergeConflict[] = [];
  const droppedKeys: LayerMerge['droppedKeys'] = [];

  const record = (path: JsonPath, value: JsonValue, scriptId: string) => {
    // Leaves are recorded, not the subtree root, so that a later script adding a sibling key to an
    // object another script created is not mistaken for overwriting it.
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, item] of Object.entries(value)) record([...path, key], item, scriptId);
    } else {
      written.set(JSON.stringify(path), { path, scriptId });
    }
  };

  const replace = (path: JsonPath, previous: JsonValue | undefined, next: JsonValue, scriptId: string) => {
    if (!jsonEqual(previous, next)) {
      const overridden = new Set<string>();
      for (const entry of written.values()) {
        if (entry.scriptId !== scriptId && startsWith(entry.path, path)) overridden.add(entry.scriptId);
      }
      for (const other of overridden)
        conflicts.push({ path: formatJsonPath(path), overridden: other, winner: scriptId });
    }
    for (const [key, entry] of written) if (startsWith(entry.path, path)) written.delete(key);
    record(path, next, scriptId);
  };

  const mergeInto = (target: JsonObject, patch: JsonObject, path: JsonPath, scriptId: string) => {
    for (const [key, value] of Object.entries(patch)) {
      const childPath = [...path, key];
      if (forbiddenKeys.has(key)) {
        droppedKeys.push({ scriptId, path: formatJsonPath(childPath) });
        continue;
      }
      if (value === undefined) continue;
      const current = Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
      if (isPlainObject(current) && isPlainObject(value)) {
        mergeInto(current, value, childPath, scriptId);
      } else {
        const next = withoutForbidden(value, childPath, scriptId, droppedKeys);
        replace(childPath, current, next, scriptId);
        target[key] = next;
      }
    }
  };

  for (const { scriptId, value } of contributions) mergeInto(data, value, [], scriptId);
  return { data, conflicts, droppedKeys };
}

function startsWith(path: JsonPath, prefix: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

/** A copy of a script's value without prototype-reaching keys, at any depth (arrays included). */
function withoutForbidden(
  value: JsonValue,
  path: JsonPath,
  scriptId: string,
  dropped: LayerMerge['droppedKeys'],
): JsonValue {
  if (Array.isArray(value)) return value.map((item, i) => withoutForbidden(item, [...path, i], scriptId, dropped));
  if (!isPlainObject(value)) return value;
  const clean: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (forbiddenKeys.has(key)) {
      dropped.push({ scriptId, path: formatJsonPath([...path, key]) });
      continue;
    }
    if (item === undefined) continue;
    clean[key] = withoutForbidden(item, [...path, key], scriptId, dropped);
  }
  return clean;
}

export function describeConflict(conflict: MergeConflict, layerNumber: number): string {
  return (
    `merge conflict in layer ${layerNumber}: "${conflict.path}" set by scripts ` +
    `"${conflict.overridden}" and "${conflict.winner}"; "${conflict.winner}" (later in the layer) wins`
  );
}
