import type { JsonValue } from '../../shared/engine';
import type { RedactionPolicy } from '../config';
import type { RedactionMeter } from './redaction-chars';
import { isAddressOnly } from './redaction-ips';
import { classifyKeyCached, normalizeKey } from './redaction-keys';
import { createTextRedactor } from './redaction-text';

// What a captured event loses before it is stored: a captured event is redacted by the runtime's
// policy before it leaves the runtime (docs/formats.md, "Recorded events"). The rules, the
// credential vocabulary and what is kept on purpose are written out in docs/runtime.md ("Redaction
// of captured events"). In short:
// - structurally: keys that name a credential lose their value (redaction-keys.ts), as do the
//   configured `dropKeys` and `dropPaths`; keys that are addresses are redacted like values;
// - every string, wherever it sits: credentials by their shape, e-mail local parts, IP host bits
//   (redaction-text.ts and the scanners it calls);
// - bounds: strings are cut at `maxStringChars`, containers deeper than `maxDepth` and values
//   beyond `maxNodes` become markers. The walk is iterative and never throws, so no event can
//   overflow the stack or stall capture preparation (capture-prep.ts).
// The runtime masks secret values separately (secrets/secret-masker.ts).

export { maxStringChars, redactedText, truncatedMarker } from './redaction-text';
export type { RedactionMeter } from './redaction-chars';

/** Containers nested deeper than this are replaced by `depthMarker`. */
export const maxDepth = 64;
/** Values (scalars and containers) visited in one event; the rest is replaced by `nodesMarker`. */
export const maxNodes = 100_000;
export const depthMarker = `[truncated: nested deeper than ${maxDepth} levels]`;
export const nodesMarker = `[truncated: more than ${maxNodes} values]`;
/** The key under which an object's cut-off remainder is announced. */
export const truncatedKey = '[truncated]';

export interface Redactor {
  /** A redacted deep copy (structural rules and string rules). */
  event(value: JsonValue): JsonValue;
  /** String rules only: for free text whose key is the runtime's own. */
  text(value: string): string;
  /**
   * A recorded outcome: the runtime's own fields (`allow`, `error`) stay; the deny's `reason` and
   * the blocking hook's free-text `code` are redacted as text; `data`, `results` (and anything
   * else) are redacted like events.
   */
  outcome(value: JsonValue): JsonValue;
}

export interface RedactorOptions {
  /** Counts scanning work (tests check linearity with it, never with a clock). */
  meter?: RedactionMeter;
}

type JsonObject = { [key: string]: JsonValue };
type Container = JsonValue[] | JsonObject;
interface PathNode {
  key: string;
  parent: PathNode | undefined;
  length: number;
}
interface Task {
  source: Container;
  target: Container;
  depth: number;
  path: PathNode | undefined;
  /** The container sits under a holder key (`token: {…}`): see redaction-keys.ts. */
  heldBy: boolean;
}

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
/** Keys made of these only cannot hold an address or a credential shape: no text pass needed. */
const plainKey = /^[A-Za-z0-9_-]*$/;

export function createRedactor(policy: RedactionPolicy, options: RedactorOptions = {}): Redactor {
  const meter = options.meter ?? { steps: 0 };
  const text = createTextRedactor(policy, meter);
  const dropKeys = new Set(policy.dropKeys.map(normalizeKey));
  const dropPaths = policy.dropPaths.map((path) => path.split('.'));
  /** `drop`, `walk` or `hold` (walk, the children being under a holder key). */
  const decide = (key: string, outKey: string, value: JsonValue, heldBy: boolean): 'drop' | 'walk' | 'hold' => {
    let kind = classifyKeyCached(key, heldBy);
    // A rewritten key is judged too, so that redacting the output again drops nothing more
    // (`peter@in.example` becomes `p***@in.example`, whose words spell `pin`).
    if (outKey !== key && kind !== 'drop') {
      const rewritten = classifyKeyCached(outKey, heldBy);
      if (rewritten !== 'none') kind = rewritten;
    }
    const holdable = isObject(value) || (Array.isArray(value) && value.length > 0 && value.every(isObject));
    if (dropKeys.size > 0 && dropKeys.has(normalizeKey(key))) return kind === 'holder' && holdable ? 'hold' : 'drop';
    // A boolean or null cannot carry a secret (`passkeyEnabled`, `hasPassword: true` stay for replays).
    if (kind === 'none' || value === null || typeof value === 'boolean') return 'walk';
    if (kind === 'holder' && holdable) return 'hold';
    return 'drop';
  };

  const droppedByPath = (path: PathNode): boolean =>
    dropPaths.some((pattern) => {
      if (pattern.length !== path.length) return false;
      let node: PathNode | undefined = path;
      for (let i = pattern.length - 1; i >= 0 && node; i--, node = node.parent) {
        if (pattern[i] !== '*' && pattern[i] !== node.key) return false;
      }
      return true;
    });

  const redactKey = (key: string) => (plainKey.test(key) ? key : text(key));

  const event = (value: JsonValue): JsonValue => {
    const stack: Task[] = [];
    let nodes = 1;
    /** A scalar's redacted value, or a container to be filled (undefined: the key goes). */
    const child = (value: JsonValue, parent: Task, path: PathNode | undefined, heldBy: boolean) => {
      if (typeof value === 'string') return policy.ips === 'drop' && isAddressOnly(value) ? undefined : text(value);
      if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
      if (typeof value !== 'object') return null;
      if (parent.depth >= maxDepth) return depthMarker;
      const target: Container = Array.isArray(value) ? [] : {};
      stack.push({ source: value, target, depth: parent.depth + 1, path, heldBy });
      return target;
    };
    const root: Task = { source: [value], target: [], depth: 0, path: undefined, heldBy: false };
    stack.push(root);
    while (stack.length > 0) {
      const task = stack.pop() as Task;
      if (Array.isArray(task.source)) {
        const target = task.target as JsonValue[];
        for (let i = 0; i < task.source.length; i++) {
          if (++nodes > maxNodes) {
            target.push(nodesMarker);
            break;
          }
          const path = task.path && { key: String(i), parent: task.path, length: task.path.length + 1 };
          target.push(child(task.source[i] as JsonValue, task, path, task.heldBy) ?? null);
        }
        continue;
      }
      const target = task.target as JsonObject;
      // Source keys are unique: two output keys can only meet once a key has been rewritten.
      let renamed = false;
      let collisions: Map<string, number> | undefined;
      for (const key of Object.keys(task.source)) {
        if (++nodes > maxNodes) {
          setKey(target, truncatedKey, nodesMarker);
          break;
        }
        const value = task.source[key] as JsonValue;
        const path =
          dropPaths.length > 0 ? { key, parent: task.path, length: (task.path?.length ?? 0) + 1 } : undefined;
        if (path && droppedByPath(path)) continue;
        let outKey = redactKey(key);
        const decision = decide(key, outKey, value, task.heldBy);
        if (decision === 'drop') continue;
        const redacted = child(value, task, path, decision === 'hold');
        if (redacted === undefined) continue;
        // Two addresses can mask to the same key (`ada@…`, `alan@…` → `a***@…`): number the later ones.
        if (outKey !== key) renamed = true;
        if (renamed && Object.hasOwn(target, outKey)) {
          collisions ??= new Map();
          let n = collisions.get(outKey) ?? 1;
          while (Object.hasOwn(target, `${outKey} (${++n})`));
          collisions.set(outKey, n);
          outKey = `${outKey} (${n})`;
        }
        setKey(target, outKey, redacted);
      }
    }
    return (root.target as JsonValue[])[0] ?? null;
  };

  const outcome = (value: JsonValue): JsonValue => {
    if (!isObject(value)) return event(value);
    const out: JsonObject = {};
    for (const [key, field] of Object.entries(value)) {
      if (key === 'allow' || key === 'error') setKey(out, key, field);
      else if ((key === 'reason' || key === 'code') && typeof field === 'string') setKey(out, key, text(field));
      else if (key === 'data' || key === 'results' || key === 'reason' || key === 'code') {
        setKey(out, key, event(field));
      } else {
        // Not a field of the replay line: redacted with its key, like an event's.
        const wrapped = event({ [key]: field });
        if (isObject(wrapped)) for (const [k, v] of Object.entries(wrapped)) setKey(out, k, v);
      }
    }
    return out;
  };

  return { event, text, outcome };
}

/** `__proto__` is data in JSON, not the prototype: define it rather than assign it. */
function setKey(target: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
