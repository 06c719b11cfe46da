import type { RedactionPolicy } from '../config';
import { codes, isAsciiAlnum, isWordNonAscii, type RedactionMeter } from './redaction-chars';
import { markCredentials } from './redaction-credentials';
import { redactEmails } from './redaction-emails';
import { redactIps } from './redaction-ips';

// The string rules of the redaction policy (docs/runtime.md, "Redaction of captured events"), in
// order: the length cap, credential shapes, e-mail addresses, IP addresses. Every step is one or a
// few forward passes over a string of at most `maxStringChars`, so redacting a string costs time
// proportional to its length, whatever it holds.

export const redactedText = '[redacted]';

/** Strings longer than this are cut, before any other rule runs, and end with `truncatedMarker`. */
export const maxStringChars = 64 * 1024;

export const truncatedMarker = (dropped: number) => `…[truncated ${dropped} chars]`;

/** Room kept for the marker, so that a cut string is within the cap (and redacting it again keeps it). */
const markerRoom = 40;
/** Rounds of the string rules at most (see createTextRedactor); one or two in practice. */
const maxRounds = 4;
/** How far back a cut looks for a separator, so that it does not keep half an address or key. */
const cutWindow = 512;

/** Characters an address or a key can be made of: a cut avoids falling between two of them. */
const isWordish = (c: number) =>
  isAsciiAlnum(c) ||
  isWordNonAscii(c) ||
  c === codes.dot ||
  c === codes.dash ||
  c === codes.underscore ||
  c === codes.percent ||
  c === codes.at ||
  c === codes.equals ||
  c === codes.slash ||
  c === 43 /* + */ ||
  c === 42; /* * */

/** Where to cut `value` to keep at most `limit` characters: on a separator if one is near. */
function cutPoint(value: string, limit: number): number {
  let cut = limit;
  for (let j = limit; j > limit - cutWindow; j--) {
    if (!isWordish(value.charCodeAt(j - 1))) {
      cut = j;
      break;
    }
  }
  // Never between the two halves of a surrogate pair.
  const last = value.charCodeAt(cut - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut - 1 : cut;
}

/**
 * The length cap around a redaction: the input is cut first (so that the scanners' work is
 * bounded), then the output is cut again if masking made it longer than the cap (`a@b.co` →
 * `h_…@b.co`), and the marker counts everything cut. The output is at most `maxStringChars`, so
 * redacting it again leaves it as it is.
 */
function capped(value: string, redact: (text: string) => string): string {
  let dropped = 0;
  let text = value;
  if (text.length > maxStringChars) {
    const cut = cutPoint(text, maxStringChars - markerRoom);
    dropped = text.length - cut;
    text = text.slice(0, cut);
  }
  text = redact(text);
  if (dropped === 0 && text.length <= maxStringChars) return text;
  if (text.length > maxStringChars - markerRoom) {
    const cut = cutPoint(text, maxStringChars - markerRoom);
    dropped += text.length - cut;
    text = text.slice(0, cut);
  }
  return text + truncatedMarker(dropped);
}

/** Every maximal run of marked characters becomes one `[redacted]`. */
function applyMarks(text: string, marks: Uint8Array, meter: RedactionMeter): string {
  if (marks.indexOf(1) < 0) return text;
  const out: string[] = [];
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    meter.steps++;
    if (marks[i] !== 1) {
      i++;
      continue;
    }
    let end = i;
    while (end < text.length && marks[end] === 1) end++;
    meter.steps += end - i;
    out.push(text.slice(copied, i), redactedText);
    copied = i = end;
  }
  out.push(text.slice(copied));
  return out.join('');
}

export type TextRedactor = (value: string) => string;

export function createTextRedactor(policy: RedactionPolicy, meter: RedactionMeter): TextRedactor {
  const once = (input: string) => {
    meter.steps += input.length;
    const marks = new Uint8Array(input.length);
    markCredentials(input, marks, meter);
    let text = applyMarks(input, marks, meter);
    // Each scanner needs its separator to find anything; `includes` skips it cheaply when absent.
    const at = text.includes('@') || text.includes('%40') || text.includes('\uff20') || text.includes('\ufe6b');
    if (policy.emails !== 'keep' && at) text = redactEmails(text, policy.emails, meter);
    if (policy.ips !== 'keep' && (text.includes('.') || text.includes(':'))) text = redactIps(text, policy.ips, meter);
    return text;
  };
  // One rule's rewrite can give another something new to find: dropping the IP glued to
  // `AKIA…H0.0.0.0` leaves an AWS key id, masking an address can complete a `key=value`. So the
  // passes run again until one changes nothing (a string with nothing to redact costs one round),
  // which also makes redacting the output again a no-op.
  const redact = (input: string) => {
    let current = input;
    for (let round = 0; round < maxRounds; round++) {
      meter.rounds = (meter.rounds ?? 0) + 1;
      meter.chars = (meter.chars ?? 0) + current.length;
      const next = once(current);
      if (next === current) return next;
      current = next;
    }
    return current;
  };
  return (value) => capped(value, redact);
}
