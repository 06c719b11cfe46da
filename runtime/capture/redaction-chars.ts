// Character classes shared by the redaction scanners (redaction-credentials.ts,
// redaction-emails.ts, redaction-ips.ts). They work on UTF-16 code units with plain comparisons:
// no regular expression runs over event text, so no input can make a scan backtrack.

/**
 * Counts the characters the scanners look at, so that tests can check that redaction stays
 * linear in its input without timing anything (runtime/capture/redaction.property.test.ts).
 */
export interface RedactionMeter {
  steps: number;
  /** Rounds of the string rules run (redaction-text.ts repeats them until nothing changes). */
  rounds?: number;
  /** Characters given to those rounds: the length of the text each round started from, summed. */
  chars?: number;
}

export const isDigit = (c: number) => c >= 48 && c <= 57;
export const isUpper = (c: number) => c >= 65 && c <= 90;
export const isLower = (c: number) => c >= 97 && c <= 122;
export const isAsciiLetter = (c: number) => isUpper(c) || isLower(c);
export const isAsciiAlnum = (c: number) => isDigit(c) || isAsciiLetter(c);
export const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

const ch = (text: string) => text.charCodeAt(0);
export const codes = {
  at: ch('@'),
  fullwidthAt: 0xff20,
  smallAt: 0xfe6b,
  percent: ch('%'),
  dot: ch('.'),
  colon: ch(':'),
  slash: ch('/'),
  backslash: ch('\\'),
  dash: ch('-'),
  underscore: ch('_'),
  equals: ch('='),
  quote: ch('"'),
  apostrophe: ch("'"),
  openBracket: ch('['),
  closeBracket: ch(']'),
  question: ch('?'),
  hash: ch('#'),
  ampersand: ch('&'),
  semicolon: ch(';'),
  lf: 10,
  cr: 13,
} as const;

export function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200b) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * A code unit above ASCII that can be part of a word (a letter of any script, half of a surrogate
 * pair): internationalised addresses use them in local parts and domains. Spaces and the
 * punctuation blocks (Latin-1 symbols, general punctuation, CJK and fullwidth punctuation) are
 * not, so that `“ada@example.com”` keeps its quotes.
 */
export function isWordNonAscii(c: number): boolean {
  if (c < 0x80 || isSpace(c)) return false;
  if (c <= 0xbf) return c === 0xaa || c === 0xb5 || c === 0xba;
  if (c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x206f) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xfe30 && c <= 0xfe6f) return false;
  if (c >= 0xff00 && c <= 0xff0f) return false;
  if (c >= 0xff1a && c <= 0xff20) return false;
  if (c >= 0xff3b && c <= 0xff40) return false;
  if (c >= 0xff5b && c <= 0xff65) return false;
  return true;
}

/** `@`, its fullwidth and small forms, or `%40`: the length of the at-sign at `i`, else 0. */
export function atSignLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === codes.at || c === codes.fullwidthAt || c === codes.smallAt) return 1;
  if (c === codes.percent && text.charCodeAt(i + 1) === 52 && text.charCodeAt(i + 2) === 48) return 3;
  return 0;
}

/** `%` followed by two hex digits. */
export const isPercentEscape = (text: string, i: number) =>
  text.charCodeAt(i) === codes.percent && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2));

/**
 * Whether the text after an auth scheme or under a token-like name is a credential rather than a
 * word of prose (`Bearer tokens`, `session: expired`): at least 6 characters with a digit, a
 * symbol or a capital after the first, or 20 characters of anything.
 */
export function looksLikeCredential(value: string): boolean {
  if (value.length >= 20) return true;
  if (value.length < 6) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!isAsciiLetter(c) || (i > 0 && isUpper(c))) return true;
  }
  return false;
}
