import {
  atSignLength,
  codes,
  isAsciiAlnum,
  isAsciiLetter,
  isDigit,
  isPercentEscape,
  isSpace,
  isUpper,
  looksLikeCredential,
  type RedactionMeter,
} from './redaction-chars';
import { classifyKeyCached } from './redaction-keys';

// Credentials inside free text, found by their shape (docs/runtime.md, "Redaction of captured
// events"). Each pass below walks the text forward once and marks the characters to hide in
// `marks`; redaction.ts then replaces every marked run with `[redacted]`, so only the credential
// goes and the text around it stays. No pass steps back more than a constant, and every scan that
// reads ahead moves the pass past what it read: the whole is linear in the text.

/** Well-known key prefixes; `rest` is the least number of characters after the prefix. */
const prefixes: ReadonlyArray<{ prefix: string; rest: number; exact?: number; upper?: boolean }> = [
  ...['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'pk_live_', 'pk_test_', 'whsec_'].map((prefix) => ({
    prefix,
    rest: 8,
  })),
  ...['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'glpat-', 'npm_', 'shpat_', 'shpss_'].map((prefix) => ({
    prefix,
    rest: 16,
  })),
  ...['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xapp-'].map((prefix) => ({ prefix, rest: 8 })),
  { prefix: 'psrt_', rest: 16 },
  { prefix: 'sk-', rest: 20 },
  { prefix: 'SG.', rest: 20 },
  { prefix: 'AKIA', rest: 16, exact: 20, upper: true },
  { prefix: 'ASIA', rest: 16, exact: 20, upper: true },
  { prefix: 'AIza', rest: 30 },
  { prefix: 'eyJ', rest: 8 },
];
const prefixesByFirst = new Map<number, typeof prefixes>();
for (const spec of prefixes) {
  const first = spec.prefix.charCodeAt(0);
  prefixesByFirst.set(first, [...(prefixesByFirst.get(first) ?? []), spec]);
}

/** Letters, digits, `_`, `-`, `.`: what keys, JWTs and prefixed keys are made of. */
const isTokenChar = (c: number) => isAsciiAlnum(c) || c === codes.underscore || c === codes.dash || c === codes.dot;
/** RFC 7235 token68: what follows `Bearer`/`Basic`. */
const isToken68 = (c: number) => isTokenChar(c) || c === 126 || c === 43 || c === codes.slash;

const authSchemes = new Set(['bearer', 'basic', 'token', 'negotiate', 'ntlm', 'digest']);

function mark(marks: Uint8Array, from: number, to: number): void {
  marks.fill(1, from, to);
}

/** Marks every credential shape in `text`. */
export function markCredentials(text: string, marks: Uint8Array, meter: RedactionMeter): void {
  markPemBlocks(text, marks, meter);
  markUserinfo(text, marks, meter);
  markTokens(text, marks, meter);
  // The next two need a space after the scheme, or a separator after the name: most strings of an
  // event (ids, names, dates) have neither, and `includes` is far cheaper than a scan.
  if (text.includes(' ') || text.includes('\t')) markAuthSchemes(text, marks, meter);
  if (text.includes('=') || text.includes(':') || text.includes('%3')) markPairs(text, marks, meter);
}

/** `-----BEGIN … PRIVATE KEY-----` through its END line (or the end of the text). */
function markPemBlocks(text: string, marks: Uint8Array, meter: RedactionMeter): void {
  let from = 0;
  for (;;) {
    const begin = text.indexOf('-----BEGIN ', from);
    if (begin < 0) return;
    const headerEnd = text.indexOf('-----', begin + 11);
    meter.steps += (headerEnd < 0 ? text.length : headerEnd) - from + 1;
    if (headerEnd < 0) return;
    if (!text.slice(begin + 11, headerEnd).includes('PRIVATE KEY')) {
      from = headerEnd;
      continue;
    }
    const end = text.indexOf('-----END ', headerEnd + 5);
    const close = end < 0 ? -1 : text.indexOf('-----', end + 9);
    const stop = close < 0 ? text.length : close + 5;
    meter.steps += stop - headerEnd;
    mark(marks, begin, stop);
    from = stop;
  }
}

/** `scheme://user:password@host`: the whole user information. */
function markUserinfo(text: string, marks: Uint8Array, meter: RedactionMeter): void {
  let from = 0;
  for (;;) {
    const scheme = text.indexOf('://', from);
    if (scheme < 0) return;
    meter.steps += scheme - from + 1;
    let j = scheme + 3;
    let colon = false;
    for (; j < text.length; j++) {
      meter.steps++;
      const c = text.charCodeAt(j);
      if (c === codes.colon) colon = true;
      if (c === codes.at || c === codes.slash || c === codes.question || c === codes.hash) break;
      if (isSpace(c) || c === codes.quote || c === 60 || c === 62) break;
    }
    if (colon && text.charCodeAt(j) === codes.at) mark(marks, scheme + 3, j);
    from = Math.max(j, scheme + 3);
  }
}

/** JWTs and prefixed keys, from where they start to the end of their run of token characters. */
function markTokens(text: string, marks: Uint8Array, meter: RedactionMeter): void {
  let i = 0;
  while (i < text.length) {
    meter.steps++;
    if (!isTokenChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let runEnd = i;
    while (runEnd < text.length && isTokenChar(text.charCodeAt(runEnd))) runEnd++;
    meter.steps += runEnd - i;
    // A sentence's full stop is not part of the key; the scan still goes on from the run's end.
    let end = runEnd;
    while (end > i && text.charCodeAt(end - 1) === codes.dot) end--;
    // A credential starts at the start of the run, after one of its separators (`key_sk_live_…`)
    // or after a digit (the IP pass may turn `…4sk_live_…` into `…]sk_live_…`), not after a letter
    // (`disk_live_…`).
    meter.steps += end - i;
    for (let p = i; p < end; p++) {
      if (p > i && isAsciiLetter(text.charCodeAt(p - 1))) continue;
      const specs = prefixesByFirst.get(text.charCodeAt(p));
      if (specs === undefined) continue;
      meter.steps += specs.length;
      if (specs.some((spec) => prefixMatches(text, p, end, spec))) {
        mark(marks, p, end);
        break;
      }
    }
    i = runEnd;
  }
}

function prefixMatches(text: string, p: number, end: number, spec: (typeof prefixes)[number]): boolean {
  const length = end - p;
  if (length < spec.prefix.length + spec.rest || !text.startsWith(spec.prefix, p)) return false;
  if (spec.exact !== undefined && length !== spec.exact) return false;
  if (spec.upper) {
    for (let k = p; k < end; k++) if (!isUpper(text.charCodeAt(k)) && !isDigit(text.charCodeAt(k))) return false;
  }
  return true;
}

/** `Bearer …`, `Basic …`, `Token …`, `Negotiate …`, `NTLM …` anywhere; `Digest …` to the end of its line. */
function markAuthSchemes(text: string, marks: Uint8Array, meter: RedactionMeter): void {
  let i = 0;
  while (i < text.length) {
    meter.steps++;
    // A scheme word starts after anything but a letter (a digit may become `]` in the IP pass).
    if (!isAsciiLetter(text.charCodeAt(i)) || (i > 0 && isAsciiLetter(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    let wordEnd = i;
    while (wordEnd < text.length && isAsciiLetter(text.charCodeAt(wordEnd))) wordEnd++;
    meter.steps += wordEnd - i;
    const scheme = wordEnd - i <= 9 ? text.slice(i, wordEnd).toLowerCase() : '';
    let next = wordEnd;
    if (authSchemes.has(scheme) && (text.charCodeAt(wordEnd) === 32 || text.charCodeAt(wordEnd) === 9)) {
      let start = wordEnd;
      while (start < text.length && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
      let end = start;
      while (end < text.length && isToken68(text.charCodeAt(end))) end++;
      while (end < text.length && text.charCodeAt(end) === codes.equals) end++;
      meter.steps += end - wordEnd;
      if (scheme === 'digest') {
        // Digest's credentials are parameters (`username="…", response="…"`): the rest of the line.
        if (startsWithParameter(text, start)) {
          const stop = lineEnd(text, start, meter);
          mark(marks, i, stop);
          next = stop;
        }
      } else if (end > start && atSignLength(text, end) === 0 && looksLikeCredential(text.slice(start, end))) {
        // (A token followed by an at-sign is an address's local part, which the e-mail pass masks.)
        mark(marks, i, end);
        next = end;
      }
    }
    i = Math.max(next, i + 1);
  }
}

/** `name=` right at `from` (a Digest parameter). */
function startsWithParameter(text: string, from: number): boolean {
  let j = from;
  while (j < text.length && j - from < 32 && isAsciiLetter(text.charCodeAt(j))) j++;
  return j > from && text.charCodeAt(j) === codes.equals;
}

function lineEnd(text: string, from: number, meter: RedactionMeter): number {
  let j = from;
  while (j < text.length && text.charCodeAt(j) !== codes.lf && text.charCodeAt(j) !== codes.cr) j++;
  meter.steps += j - from;
  return j;
}

/** Characters that end an unquoted value after `=`. */
const endsValue = (text: string, j: number) => {
  const c = text.charCodeAt(j);
  if (isSpace(c) || c === codes.ampersand || c === codes.hash || c === codes.semicolon) return true;
  if (c === codes.quote || c === codes.apostrophe || c === 60 || c === 62) return true;
  // `%26` and `%23`: `&` and `#` of an encoded query inside another URL.
  const low = text.charCodeAt(j + 2);
  return c === codes.percent && text.charCodeAt(j + 1) === 50 && (low === 51 || low === 54);
};

/**
 * `name=value`, `name%3Dvalue`, `name: value`, `"name": "value"` (JSON inside text) where the name
 * is a credential key (redaction-keys.ts). After `:`, the value of a credential name runs to the end
 * of its line (`Authorization: Bearer …`, `Cookie: a=1; b=2`) unless quoted.
 */
function markPairs(text: string, marks: Uint8Array, meter: RedactionMeter): void {
  let runStart = -1;
  let lastStart = -1;
  let lastEnd = -1;
  let inQuery = false;
  let i = 0;
  while (i < text.length) {
    meter.steps++;
    const c = text.charCodeAt(i);
    if (isTokenChar(c)) {
      if (runStart < 0) runStart = i;
      i++;
      continue;
    }
    if (runStart >= 0) {
      lastStart = runStart;
      lastEnd = i;
      runStart = -1;
    }
    const encodedEquals = c === codes.percent && text.charCodeAt(i + 1) === 51 && (text.charCodeAt(i + 2) | 32) === 100;
    if (!encodedEquals && isPercentEscape(text, i)) {
      lastEnd = -1;
      i += 3;
      continue;
    }
    const separator = encodedEquals ? 3 : c === codes.equals || c === codes.colon ? 1 : 0;
    if (separator > 0) {
      let keyEnd = i;
      const before = text.charCodeAt(i - 1);
      if (before === codes.quote || before === codes.apostrophe) {
        keyEnd = i - 1;
        if (text.charCodeAt(keyEnd - 1) === codes.backslash) keyEnd--;
      }
      if (lastEnd === keyEnd && keyEnd - lastStart <= 128) {
        const valueEnd = markValue(text, lastStart, keyEnd, i + separator, c === codes.colon, inQuery, marks, meter);
        if (valueEnd > i) {
          i = valueEnd;
          continue;
        }
      }
    }
    if (c === codes.question || c === codes.hash) inQuery = true;
    else if (isSpace(c)) inQuery = false;
    i += separator || 1;
  }
}

/** Marks the value after a credential name; returns where the scan goes on (≤ `valueStart` if nothing). */
function markValue(
  text: string,
  keyStart: number,
  keyEnd: number,
  valueStart: number,
  colon: boolean,
  inQuery: boolean,
  marks: Uint8Array,
  meter: RedactionMeter,
): number {
  const key = text.slice(keyStart, keyEnd);
  let kind = classifyKeyCached(key);
  // An OAuth authorization code in a callback URL (`?code=…`) is a credential; `code` elsewhere is not.
  const queryKey = inQuery && '?&#'.includes(text.charAt(keyStart - 1));
  if (kind === 'none' && queryKey && key.toLowerCase() === 'code') kind = 'drop';
  if (kind === 'none') return valueStart;
  let j = valueStart;
  if (colon) while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
  const escaped = text.charCodeAt(j) === codes.backslash ? 1 : 0;
  const quote = text.charCodeAt(j + escaped);
  let from: number;
  let to: number;
  let next: number;
  if (quote === codes.quote || quote === codes.apostrophe) {
    from = j + escaped + 1;
    const close = text.indexOf((escaped ? '\\' : '') + String.fromCharCode(quote), from);
    to = close < 0 ? text.length : close;
    next = close < 0 ? text.length : close + 1;
  } else if (colon && kind === 'drop') {
    from = j;
    to = next = lineEnd(text, j, meter);
  } else {
    from = j;
    to = j;
    while (to < text.length && !endsValue(text, to) && !(colon && text.charCodeAt(to) === 44)) to++;
    next = to;
  }
  meter.steps += next - valueStart;
  if (to <= from || (kind === 'holder' && !looksLikeCredential(text.slice(from, to)))) return valueStart;
  mark(marks, from, to);
  return next;
}
