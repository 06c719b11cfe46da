import { createHash } from 'node:crypto';
import {
  atSignLength,
  codes,
  isAsciiAlnum,
  isAsciiLetter,
  isDigit,
  isHex,
  isPercentEscape,
  isSpace,
  isWordNonAscii,
  type RedactionMeter,
} from './redaction-chars';

// E-mail addresses inside text, found in one forward pass (docs/runtime.md, "Redaction of captured
// events"): plain, internationalised (non-ASCII local parts and domains), percent-encoded
// (`ada%40example.com`), with a quoted local part (`"john doe"@example.com`), behind `mailto:` or
// inside URLs. The domain is kept; the local part is masked.
//
// Linear: the pass remembers where the current run of local-part characters started instead of
// scanning back (only a quoted local part is looked for backwards, at most `maxQuoted` characters);
// a domain is read forward from its at-sign and never past the next at-sign, so two domain reads
// never overlap, and after an address the pass goes on from the end of its domain.

export type EmailMode = 'mask' | 'hash';

/** Longest quoted local part looked for (RFC 5321 allows 64 characters). */
const maxQuoted = 256;

/** RFC 5322 atext: `!#$%&'*+-/=?^_\`{|}~`, letters and digits; with `.` for dot-atoms. */
const atextSymbols = new Set([...`!#$%&'*+-/=?^_\`{|}~.`].map((c) => c.charCodeAt(0)));
/** Inside a URL these separate its parts instead: `?email=ada@example.com` has the local part `ada`. */
const urlSeparators = new Set([...'/?#&=;'].map((c) => c.charCodeAt(0)));

const isLocalChar = (c: number, inUrl: boolean) =>
  isAsciiAlnum(c) || isWordNonAscii(c) || (atextSymbols.has(c) && !(inUrl && urlSeparators.has(c)));
const isDomainChar = (c: number) => isAsciiAlnum(c) || c === codes.dash || isWordNonAscii(c);
/** `.` and the ideographic and fullwidth full stops that IDNA reads as dots. */
const isDomainDot = (c: number) => c === codes.dot || c === 0x3002 || c === 0xff0e || c === 0xff61;

export function redactEmails(text: string, mode: EmailMode, meter: RedactionMeter): string {
  const out: string[] = [];
  let copied = 0;
  let runStart = 0;
  /** The last `/?#&=` of the current run: a percent-encoded address (`%40`) starts after it. */
  let lastSeparator = -1;
  let inUrl = false;
  let i = 0;
  while (i < text.length) {
    meter.steps++;
    const c = text.charCodeAt(i);
    const at = atSignLength(text, i);
    if (at > 0) {
      // Inside an encoded address `/?#&=` would be encoded too (`%2F`…): when the at-sign is
      // `%40`, they end the local part even outside a URL (`/verify?email=ada%40example.com`).
      const start = at === 3 ? Math.max(runStart, lastSeparator + 1) : runStart;
      const local = localBefore(text, start, i, meter);
      const domainEnd = local ? domainAfter(text, i + at, meter) : -1;
      if (local && domainEnd > 0) {
        out.push(text.slice(copied, local.start), maskLocal(local.value, mode), text.slice(i, domainEnd));
        copied = domainEnd;
        i = runStart = domainEnd;
        continue;
      }
      // A `%40` that is not an at-sign is three ordinary local-part characters.
      i += at === 3 ? 1 : at;
      if (at !== 3) runStart = i;
      continue;
    }
    i++;
    if (isLocalChar(c, inUrl)) {
      if (urlSeparators.has(c)) lastSeparator = i - 1;
      continue;
    }
    if (c === codes.colon && text.charCodeAt(i) === codes.slash && text.charCodeAt(i + 1) === codes.slash) inUrl = true;
    else if (isSpace(c) || c === codes.quote || c === 60 || c === 62) inUrl = false;
    runStart = i;
  }
  if (copied === 0) return text;
  out.push(text.slice(copied));
  return out.join('');
}

/** The local part ending at `at`: the current run, or a quoted string right before it. */
function localBefore(
  text: string,
  runStart: number,
  at: number,
  meter: RedactionMeter,
): { start: number; value: string } | undefined {
  if (at > runStart) return { start: runStart, value: text.slice(runStart, at) };
  if (text.charCodeAt(at - 1) !== codes.quote) return undefined;
  for (let j = at - 2; j >= 0 && at - j <= maxQuoted; j--) {
    meter.steps++;
    const c = text.charCodeAt(j);
    // Stopping at an at-sign keeps the look-back from reading the same characters for every
    // at-sign of a run like `\"@\"@\"@…`.
    if (c === codes.lf || c === codes.cr || atSignLength(text, j) === 1) return undefined;
    if (c === codes.quote && text.charCodeAt(j - 1) !== codes.backslash) {
      const value = text.slice(j + 1, at - 1).replace(/\\(.)/g, '$1');
      return value.length > 0 ? { start: j, value } : undefined;
    }
  }
  return undefined;
}

/**
 * The end of the domain starting at `from`, or -1: at least two labels, the last with a letter and
 * two characters or more (`pkg@1.2.3` is a version, not an address), or an address literal
 * (`[203.0.113.7]`). A "domain" followed by another at-sign is part of a longer local part.
 */
function domainAfter(text: string, from: number, meter: RedactionMeter): number {
  if (text.charCodeAt(from) === codes.openBracket) {
    // An address literal: at most 64 hex digits, `:` and `.`, one of these at least (a bounded
    // read, as every at-sign may start one; `[redacted]` is not one).
    let separators = 0;
    for (let j = from + 1; j < text.length && j - from <= 64; j++) {
      meter.steps++;
      const c = text.charCodeAt(j);
      if (c === codes.closeBracket) return separators > 0 ? j + 1 : -1;
      if (c === codes.colon || c === codes.dot) separators++;
      else if (!isHex(c)) return -1;
    }
    return -1;
  }
  let j = from;
  let labels = 0;
  let end = -1;
  let lastLength = 0;
  let lastHasLetter = false;
  for (;;) {
    const start = j;
    let letter = false;
    while (j < text.length && isDomainChar(text.charCodeAt(j))) {
      const c = text.charCodeAt(j);
      if (isAsciiLetter(c) || isWordNonAscii(c)) letter = true;
      j++;
    }
    meter.steps += j - start + 1;
    if (j === start) break;
    labels++;
    end = j;
    lastLength = j - start;
    lastHasLetter = letter;
    if (!isDomainDot(text.charCodeAt(j)) || !isDomainChar(text.charCodeAt(j + 1))) break;
    j++;
  }
  // Hash mode writes `h_<12 hex>` for a local part glued to the previous address's domain
  // (`a@b.cc!@d.ee` → `h_…@b.cch_…@d.ee`): the domain ends before it, as it did before hashing.
  if (end - 1 > from && text.charCodeAt(end) === codes.underscore && text.charCodeAt(end - 1) === 104) {
    if (isHashedLocal(text, end - 1) && atSignLength(text, end + 13) > 0) {
      end--;
      lastLength--;
    }
  }
  if (labels < 2 || !lastHasLetter || lastLength < 2 || atSignLength(text, end) > 0) return -1;
  return end;
}

/** `h_` and 12 lowercase hex digits at `i`. */
function isHashedLocal(text: string, i: number): boolean {
  if (text.charCodeAt(i) !== 104 || text.charCodeAt(i + 1) !== codes.underscore) return false;
  for (let j = i + 2; j < i + 14; j++) {
    const c = text.charCodeAt(j);
    if (!isDigit(c) && !(c >= 97 && c <= 102)) return false;
  }
  return true;
}

/** Local parts hashed lately: a text or an event repeats the same address. */
const hashes = new Map<string, string>();

/**
 * `a***` (the first character kept as written: `%C3%A9***` for an encoded `é`) or `h_` + 12 hex
 * of the SHA-256 of the decoded, lowercased local part (so `ada%2Bx` and `ada+x` hash alike).
 * Idempotent either way: `a***` masks to itself, and an `h_…` local part is left as it is.
 */
function maskLocal(written: string, mode: EmailMode): string {
  if (mode === 'hash') {
    if (written.length === 14 && isHashedLocal(written, 0)) return written;
    const key = percentDecode(written).toLowerCase();
    let hashed = hashes.get(key);
    if (hashed === undefined) {
      hashed = `h_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
      if (hashes.size >= 1024) hashes.clear();
      hashes.set(key, hashed);
    }
    return hashed;
  }
  const first = firstWritten(written);
  // Already masked (`a***`, or `***` when the IP pass took the first character): left as it is.
  if (written.endsWith('***') && written.length - 3 <= first.length) return written;
  return `${first}***`;
}

/** The first character of a local part as written: one code point, or the escapes of one. */
function firstWritten(written: string): string {
  if (isPercentEscape(written, 0)) {
    const lead = parseInt(written.slice(1, 3), 16);
    const bytes = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    for (let n = bytes; n >= 1; n--) {
      const escapes = written.slice(0, 3 * n);
      if (/^(?:%[0-9A-Fa-f]{2})+$/.test(escapes) && percentDecode(escapes) !== escapes) return escapes;
    }
    return written.slice(0, 3);
  }
  return String.fromCodePoint(written.codePointAt(0) ?? 42);
}

function percentDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
