import type { JsonObject, JsonValue } from '../engine/types';
import { maxValueDepth } from '../engine/limits';
import type { HookId } from './hook-ids';
import { hookJsonSchema, type JsonSchema } from './json-schema';

// Generated events (docs/hooks.md, "Generated events"): payloads that a hook accepts, built from its
// JSON Schema so that a field added to a payload schema is generated with no change here. Typical
// values are mixed with the cases scripts tend to get wrong: missing optional fields, empty and
// huge strings, unicode that is not plain Latin, numbers at the edges of what JSON carries, extra
// fields the schema does not name and deeply nested data. Pure and seeded: the same hook, seed and
// index give the same event, so a failure found once can be found again, and events are made one
// at a time, so a long run never holds them all.

export const edgeCaseTags = [
  'optional-missing',
  'empty-string',
  'huge-string',
  'combining-marks',
  'rtl',
  'emoji',
  'nul',
  'number-bounds',
  'extra-fields',
  'deep-nesting',
  'empty-collection',
] as const;
export type EdgeCase = (typeof edgeCaseTags)[number];

export interface GeneratedEvent {
  /** Its position in the seeded sequence: (hook, seed, index) makes it again. */
  index: number;
  event: JsonObject;
  /** The edge cases it exercises; empty for an event of typical values only. */
  edgeCases: EdgeCase[];
}

export const maxGeneratedEvents = 10_000;
/** Huge strings stay well inside the engine's 1 MB event bound, even at 4 UTF-8 bytes a unit. */
export const hugeStringLength = { min: 8_192, max: 100_000 } as const;
/** How deep the deepest generated value goes, counted as the engine counts (value-bounds.ts). */
export const generatedDepth = maxValueDepth - 4;

/** mulberry32: small, fast and the same on every host; not for anything secret. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One stream per (seed, index), so that event 7 does not depend on the events before it. */
function mix(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

const edgeStrings = {
  'empty-string': [''],
  'combining-marks': ['e\u0301\u0302\u0303', 'Z\u0338\u0322\u0354algo', 'A\u030a\u030a\u030a\u030a\u030a'],
  rtl: ['مرحبا بالعالم', 'שלום', 'abc\u202edcba', 'user\u200f@\u200fexample.com'],
  emoji: ['👩‍👩‍👧‍👦', '🏳️‍🌈 flag', '😀@example.com', '\u{1F600}'.repeat(40)],
  nul: ['a\u0000b', '\u0000', 'ends with nul\u0000'],
} as const satisfies Partial<Record<EdgeCase, readonly string[]>>;
const stringEdges = Object.keys(edgeStrings) as Array<keyof typeof edgeStrings>;

const numberBounds: readonly number[] = [
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  0,
  2 ** 31,
  -(2 ** 63),
];

const words = ['ada', 'grace', 'linus', 'alan', 'margaret', 'edsger', 'barbara', 'ken'];
/** Keys a script might not expect; never `__proto__`, `constructor` or `prototype`, which the engine drops. */
const extraKeys = ['x-extra', 'riskScore', '', 'with space', 'a.b', 'ключ', '🔑', '0', 'nested'];

/** What a field usually holds, by its name; anything unnamed gets a word. */
const typicalByName: Record<string, (pick: Picker) => string> = {
  email: (p) => `${p.one(words)}${p.int(0, 99)}@example.com`,
  newEmail: (p) => `${p.one(words)}.new@example.org`,
  ip: (p) => (p.chance(0.3) ? `2001:db8::${p.int(1, 65535).toString(16)}` : `203.0.113.${p.int(1, 254)}`),
  userAgent: (p) => p.one(['Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0', 'curl/8.5.0', 'okhttp/4.12.0']),
  country: (p) => p.one(['NL', 'US', 'JP', 'BR', 'IN']),
  id: (p) => `${p.one(['usr', 'ses', 'tok'])}_${p.int(1000, 99999)}`,
  at: (p) => isoDate(p),
  createdAt: (p) => isoDate(p),
  role: (p) => p.one(['member', 'admin', 'owner']),
  provider: (p) => p.one(['email', 'github', 'google', 'apple']),
  providerAccountId: (p) => String(p.int(1, 9_999_999)),
  audience: (p) => p.one(['https://api.example.com', 'mobile-app']),
  name: (p) => `${p.one(words)} ${p.one(words)}`,
};

function isoDate(p: Picker): string {
  return new Date(Date.UTC(2020 + p.int(0, 6), p.int(0, 11), p.int(1, 28), p.int(0, 23))).toISOString();
}

class Picker {
  readonly tags = new Set<EdgeCase>();
  hugeLeft = 1;
  deepLeft = 1;
  constructor(
    private readonly next: () => number,
    /** Chance that a field gets an edge case; 0 for an event of typical values. */
    readonly edginess: number,
  ) {}
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  one<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
  edge(): boolean {
    return this.edginess > 0 && this.chance(this.edginess);
  }
}

function stringValue(p: Picker, name: string, schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return String(p.one(schema.enum as unknown[]));
  if (p.edge()) {
    if (p.hugeLeft > 0 && p.chance(0.15)) {
      p.hugeLeft -= 1;
      p.tags.add('huge-string');
      const unit = p.one(['a', 'é', 'ب', '😀', 'x\u0000']);
      return unit.repeat(Math.ceil(p.int(hugeStringLength.min, hugeStringLength.max) / unit.length));
    }
    const tag = p.one(stringEdges);
    p.tags.add(tag);
    return p.one(edgeStrings[tag]);
  }
  const typical = typicalByName[name];
  return typical ? typical(p) : p.one(words);
}

/** A value where the schema allows anything: scalars mostly, edge numbers, sometimes deep data. */
function anyValue(p: Picker, depth: number): JsonValue {
  if (p.edge()) {
    if (p.deepLeft > 0 && depth < generatedDepth && p.chance(0.3)) {
      p.deepLeft -= 1;
      p.tags.add('deep-nesting');
      let deep: JsonValue = p.one(['bottom', 0, true, null]);
      for (let level = generatedDepth; level > depth; level--) deep = p.chance(0.5) ? { level, next: deep } : [deep];
      return deep;
    }
    const kind = p.int(0, 2);
    if (kind === 0) {
      p.tags.add('number-bounds');
      return p.one(numberBounds);
    }
    if (kind === 1) {
      p.tags.add('empty-collection');
      return p.chance(0.5) ? {} : [];
    }
  }
  switch (p.int(0, 4)) {
    case 0:
      return p.int(-1000, 1000);
    case 1:
      return p.chance(0.5);
    case 2:
      return null;
    case 3:
      return [p.one(words), p.int(0, 9)];
    default:
      return stringValue(p, '', {});
  }
}

function valueFor(p: Picker, name: string, schema: JsonSchema, depth: number): JsonValue {
  switch (schema.type) {
    case 'string':
      return stringValue(p, name, schema);
    case 'boolean':
      return p.chance(0.5);
    case 'number':
    case 'integer':
      if (p.edge()) {
        p.tags.add('number-bounds');
        return p.one(numberBounds);
      }
      return p.int(0, 1000);
    case 'array': {
      const items = (schema.items ?? {}) as JsonSchema;
      if (p.edge() && p.chance(0.5)) {
        p.tags.add('empty-collection');
        return [];
      }
      return Array.from({ length: p.int(1, 4) }, () => valueFor(p, name, items, depth + 1));
    }
    case 'object':
      return objectValue(p, schema, depth);
    default:
      return anyValue(p, depth);
  }
}

function objectValue(p: Picker, schema: JsonSchema, depth: number): JsonObject {
  const out: JsonObject = {};
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  for (const [key, property] of Object.entries(properties)) {
    if (!required.has(key) && p.edge() && p.chance(0.5)) {
      p.tags.add('optional-missing');
      continue;
    }
    out[key] = valueFor(p, key, property, depth + 1);
  }
  const additional = schema.additionalProperties;
  if (additional === undefined || additional === false) return out;
  const values = (typeof additional === 'object' ? additional : {}) as JsonSchema;
  const isRecord = schema.properties === undefined;
  if (isRecord) {
    // A record (headers, metadata, claims): typical entries, or none at all.
    if (p.edge() && p.chance(0.3)) {
      p.tags.add('empty-collection');
      return out;
    }
    for (let i = p.int(1, 3); i > 0; i--) out[`${p.one(words)}${i}`] = valueFor(p, '', values, depth + 1);
  }
  if (p.edge() && p.chance(0.4)) {
    p.tags.add('extra-fields');
    for (let i = p.int(1, 3); i > 0; i--) {
      const key = p.one(extraKeys);
      if (!(key in out)) out[key] = valueFor(p, key, values, depth + 1);
    }
  }
  return out;
}

/** The event at `index` of the sequence of `hook` and `seed`; valid for the hook, within the engine's bounds. */
export function generateEvent(hook: HookId, seed: number, index: number): GeneratedEvent {
  const next = rng(mix(seed | 0, index));
  // About one event in five is typical throughout; the others put edge cases in some fields.
  const edginess = next() < 0.2 ? 0 : 0.15 + next() * 0.35;
  const picker = new Picker(next, edginess);
  const event = objectValue(picker, hookJsonSchema(hook), 0);
  return { index, event, edgeCases: edgeCaseTags.filter((tag) => picker.tags.has(tag)) };
}

/** `count` events from index 0 (count is capped at maxGeneratedEvents). */
export function* generateEvents(hook: HookId, seed: number, count: number): Generator<GeneratedEvent> {
  const total = Math.max(0, Math.min(Math.floor(count), maxGeneratedEvents));
  for (let index = 0; index < total; index++) yield generateEvent(hook, seed, index);
}
