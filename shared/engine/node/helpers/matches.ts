// helpers.matches(text, pattern): a regular-expression test that scripts may run on any input.
//
// Patterns use RE2 syntax (https://github.com/google/re2/wiki/Syntax): no backreferences or
// lookaround, inline flags such as (?i), (?m), (?s), named groups as (?P<name>…), code points as
// \x{e9}. RE2 runs in time linear in the text, so `(a+)+$` cannot backtrack catastrophically.
// Linear is not the same as fast: the cost is text length × compiled program size, and an
// adversarial pattern with large counted repetitions (`[ab]*a[ab]{999}c`) still takes seconds on
// 64 KB. The script's wall-time limit is therefore enforced from outside (the worker running the
// script is terminated), which interrupts WebAssembly mid-match; see matches.test.ts.
//
// We drive re2-wasm's low-level WrappedRE2 binding rather than its RegExp-like `RE2` class,
// because that class never frees its WebAssembly objects (each `new RE2` leaks, an invalid
// pattern included) and the module has a fixed 16 MB heap: a few thousand calls would exhaust it.
// Here every compiled pattern is freed when it leaves the cache or fails to compile.

import { createRequire } from 'node:module';

/** Longest pattern accepted, in UTF-8 bytes. */
export const maxPatternBytes = 1024;
/** Longest text accepted, in UTF-8 bytes (the same bound as a fetched response body). */
export const maxTextBytes = 1024 * 1024;
/** Compiled patterns kept per thread. Small: each one may hold megabytes of RE2 DFA cache. */
export const patternCacheSize = 32;

/** The part of the Emscripten/embind binding we use. */
interface WrappedPattern {
  ok(): boolean;
  error(): string;
  match(input: string, start: number, captureGroups: boolean): { index: number };
  delete(): void;
}
type WrappedPatternConstructor = new (
  pattern: string,
  ignoreCase: boolean,
  multiline: boolean,
  dotAll: boolean,
) => WrappedPattern;

type CachedPattern = { compiled: WrappedPattern } | { error: string };

const require = createRequire(import.meta.url);
const bindingPath = require.resolve('re2-wasm/build/wasm/re2.js');

let engine: WrappedPatternConstructor | undefined;
const cache = new Map<string, CachedPattern>();

/**
 * Loads a fresh instance of the WebAssembly module. Emscripten aborts the whole instance when its
 * heap is exhausted and every later call fails, so after any failure inside WebAssembly we drop
 * it and load another (a new require of the file instantiates a new module and heap).
 */
function loadEngine(): WrappedPatternConstructor {
  delete require.cache[bindingPath];
  const binding: unknown = require(bindingPath);
  const constructor =
    typeof binding === 'object' && binding !== null && 'WrappedRE2' in binding ? binding.WrappedRE2 : undefined;
  if (typeof constructor !== 'function') {
    throw new Error('matches: re2-wasm does not export WrappedRE2; the installed version is unsupported');
  }
  return constructor as WrappedPatternConstructor;
}

function resetEngine(): void {
  // The old instance may have aborted; its objects must not be touched again, only dropped.
  cache.clear();
  engine = undefined;
}

function utf8Length(value: string, bound: number): number {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short strings skip the exact count.
  return value.length * 3 <= bound ? value.length : Buffer.byteLength(value, 'utf8');
}

function compile(pattern: string): CachedPattern {
  const hit = cache.get(pattern);
  if (hit) {
    // Re-insert so that Map order is least-recently-used first.
    cache.delete(pattern);
    cache.set(pattern, hit);
    return hit;
  }
  engine ??= loadEngine();
  const wrapped = new engine(pattern, false, false, false);
  let entry: CachedPattern;
  if (wrapped.ok()) {
    entry = { compiled: wrapped };
  } else {
    entry = { error: wrapped.error() };
    wrapped.delete();
  }
  cache.set(pattern, entry);
  if (cache.size > patternCacheSize) {
    const [oldestKey, oldest] = cache.entries().next().value as [string, CachedPattern];
    cache.delete(oldestKey);
    if ('compiled' in oldest) oldest.compiled.delete();
  }
  return entry;
}

function run(text: string, pattern: string): boolean {
  const entry = compile(pattern);
  if ('error' in entry) {
    throw new Error(`matches: invalid pattern: ${entry.error}`);
  }
  // Without capture groups RE2 only reports where the match is; index -1 means no match.
  return entry.compiled.match(text, 0, false).index >= 0;
}

/**
 * Whether `pattern` (RE2 syntax, unanchored unless it uses ^ or $) matches somewhere in `text`.
 * Throws an Error with a message starting `matches:` for a bad argument, a too-long pattern or
 * text, or an invalid pattern.
 */
export function matches(text: string, pattern: string): boolean {
  if (typeof text !== 'string' || typeof pattern !== 'string') {
    throw new Error('matches: text and pattern must be strings');
  }
  if (utf8Length(pattern, maxPatternBytes) > maxPatternBytes) {
    throw new Error(`matches: pattern is longer than ${maxPatternBytes} bytes`);
  }
  if (utf8Length(text, maxTextBytes) > maxTextBytes) {
    throw new Error(`matches: text is longer than ${maxTextBytes} bytes`);
  }
  try {
    return run(text, pattern);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('matches:')) throw error;
    // Anything thrown from inside WebAssembly (in practice: its heap is exhausted) leaves the
    // instance unusable. Retry once on a fresh one, which only fails if this call alone is too big.
    resetEngine();
    try {
      return run(text, pattern);
    } catch (retryError) {
      if (retryError instanceof Error && retryError.message.startsWith('matches:')) throw retryError;
      resetEngine();
      throw new Error('matches: the regular expression engine ran out of memory for this pattern and text');
    }
  }
}
