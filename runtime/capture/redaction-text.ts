import type { RedactionPolicy } from '../config';
import { codes, isAsciiAlnum, isSpace, isWordNonAscii, type RedactionMeter } from './redaction-chars';
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
  c === 43;

export function truncate(value: string): string {
  if (value.length <= maxStringChars) return value;
  const hard = maxStringChars - markerRoom;
  let cut = hard;
  for (let j = hard; j > hard - cutWindow; j--) {
    if (!isWordish(value.charCodeAt(j - 1)) || isSpace(value.charCodeAt(j - 1))) {
      cut = j;
      break;
    }
  }
  // Never between the two halves of a surrogate pair.
  const last = value.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return value.slice(0, cut) + truncatedMarker(value.length - cut);
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
  return (value) => {
    let text = truncate(value);
    meter.steps += text.length;
    const marks = new Uint8Array(text.length);
    markCredentials(text, marks, meter);
    text = applyMarks(text, marks, meter);
    // Each scanner needs its separator to find anything; `includes` skips it cheaply when absent.
    const at = text.includes('@') || text.includes('%40') || text.includes('\uff20') || text.includes('\ufe6b');
    if (policy.emails !== 'keep' && at) text = redactEmails(text, policy.emails, meter);
    if (policy.ips !== 'keep' && (text.includes('.') || text.includes(':'))) text = redactIps(text, policy.ips, meter);
    return text;
  };
}
