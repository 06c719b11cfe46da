import { codes, isAsciiAlnum, isDigit, isHex, type RedactionMeter } from './redaction-chars';

// IP addresses inside text (docs/runtime.md, "Redaction of captured events"): IPv4, IPv6
// (compressed, IPv4-mapped, with a zone id), with a port (`203.0.113.7:443`,
// `[2001:db8::1]:8443`), alone or in lists (X-Forwarded-For). Each is cut to its /24 or /48
// network, or replaced by `[redacted]`.
//
// Linear: one forward pass over runs of hex digits, `:` and `.`; a run is examined once, and only
// runs of at most `maxCandidate` characters are parsed as a whole (the longest IPv6 text is 45),
// longer ones are only searched for dotted quads, each at most 15 characters.

export type IpMode = 'truncate' | 'drop';

const maxCandidate = 64;
const redacted = '[redacted]';

const isRunChar = (c: number) => isHex(c) || c === codes.colon || c === codes.dot;
/** What may not touch an IPv6 address: `std::vector` and `Foo::Bar` are not addresses. */
const isWordChar = (c: number) => isAsciiAlnum(c) || c === codes.underscore;

export function redactIps(text: string, mode: IpMode, meter: RedactionMeter): string {
  const out: string[] = [];
  let copied = 0;
  const replace = (from: number, to: number, by: string) => {
    out.push(text.slice(copied, from), by);
    copied = to;
  };
  let i = 0;
  while (i < text.length) {
    meter.steps++;
    if (!isRunChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i;
    let dots = 0;
    let colons = 0;
    for (; end < text.length; end++) {
      const c = text.charCodeAt(end);
      if (c === codes.dot) dots++;
      else if (c === codes.colon) colons++;
      else if (!isHex(c)) break;
    }
    meter.steps += end - i;
    // An IPv4 address has three dots, an IPv6 one two colons: most runs (`cafe`, `1.2`) are neither.
    if (dots >= 3 || colons >= 2) reduceRun(text, i, end, mode, replace, meter);
    i = end;
  }
  if (copied === 0) return text;
  out.push(text.slice(copied));
  return out.join('');
}

function reduceRun(
  text: string,
  start: number,
  end: number,
  mode: IpMode,
  replace: (from: number, to: number, by: string) => void,
  meter: RedactionMeter,
): void {
  if (end - start <= maxCandidate) {
    let a = start;
    let b = end;
    while (b > a && text.charCodeAt(b - 1) === codes.dot) b--;
    // A single colon before or after is punctuation (`ip:203.0.113.7`, `from 203.0.113.7: …`).
    if (b - a >= 2 && text.charCodeAt(b - 1) === codes.colon && text.charCodeAt(b - 2) !== codes.colon) b--;
    if (text.charCodeAt(a) === codes.colon && text.charCodeAt(a + 1) !== codes.colon) a++;
    const candidate = text.slice(a, b);
    const v4 = parseIpv4(candidate);
    if (v4) return replace(a, b, mode === 'drop' ? redacted : ipv4Network(v4));
    const boundary = !isWordChar(text.charCodeAt(start - 1)) && !isWordChar(text.charCodeAt(end));
    const v6 = boundary ? parseIpv6(candidate) : undefined;
    if (v6) return replace(a, b, mode === 'drop' ? redacted : ipv6Network(v6));
    const port = candidate.lastIndexOf(':');
    const host = port > 0 ? parseIpv4(candidate.slice(0, port)) : undefined;
    if (host && isPort(candidate.slice(port + 1))) {
      return replace(a, a + port, mode === 'drop' ? redacted : ipv4Network(host));
    }
  }
  // Dotted quads anywhere in the run (`a:203.0.113.7`, long runs). Dropping one would leave the
  // rest of the run to be read anew by the next redaction (`0:0:0:0:0:0::0.0.0.0` would leave an
  // IPv6 address behind): in drop mode the whole run goes.
  let j = start;
  while (j < end) {
    meter.steps++;
    if (!isDigit(text.charCodeAt(j))) {
      j++;
      continue;
    }
    let k = j;
    while (k < end && (isDigit(text.charCodeAt(k)) || text.charCodeAt(k) === codes.dot)) k++;
    let b = k;
    while (b > j && text.charCodeAt(b - 1) === codes.dot) b--;
    const quad = b - j <= 15 ? parseIpv4(text.slice(j, b)) : undefined;
    if (quad && mode === 'drop') return replace(start, end, redacted);
    if (quad) replace(j, b, ipv4Network(quad));
    j = k;
  }
}

function isPort(text: string): boolean {
  if (text.length < 1 || text.length > 5) return false;
  for (let i = 0; i < text.length; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** Four decimal parts of 0–255 (leading zeros accepted: `010.000.000.001` is an address too). */
export function parseIpv4(text: string): number[] | undefined {
  if (text.length < 7 || text.length > 15) return undefined;
  const bytes = [0, 0, 0, 0];
  let part = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) {
      bytes[part] = (bytes[part] as number) * 10 + (c - 48);
      if (++digits > 3 || (bytes[part] as number) > 255) return undefined;
    } else if (c === codes.dot && digits > 0 && part < 3) {
      part++;
      digits = 0;
    } else return undefined;
  }
  return part === 3 && digits > 0 ? bytes : undefined;
}

/** The eight 16-bit groups of an IPv6 address (one `::` at most, an IPv4 tail allowed). */
export function parseIpv6(text: string): number[] | undefined {
  if (text.length < 2 || text.length > 45 || !text.includes(':') || ![...text].some((c) => c !== ':')) return undefined;
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return undefined;
  const sides = gap >= 0 ? [text.slice(0, gap), text.slice(gap + 2)] : [text];
  const parsed: number[][] = [];
  for (const [s, side] of sides.entries()) {
    const groups: number[] = [];
    const parts = side === '' ? [] : side.split(':');
    for (const [p, part] of parts.entries()) {
      const last = s === sides.length - 1 && p === parts.length - 1;
      const v4 = last && part.includes('.') ? parseIpv4(part) : undefined;
      if (v4) groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      else if (part.length >= 1 && part.length <= 4 && [...part].every((c) => isHex(c.charCodeAt(0)))) {
        groups.push(parseInt(part, 16));
      } else return undefined;
    }
    parsed.push(groups);
  }
  const [head = [], tail = []] = parsed;
  const count = head.length + tail.length;
  if (gap >= 0 ? count > 7 : count !== 8) return undefined;
  return [...head, ...Array<number>(8 - count).fill(0), ...tail];
}

const ipv4Network = (bytes: number[]) => `${bytes[0]}.${bytes[1]}.${bytes[2]}.0`;

/** The /48 (`2001:db8:abcd::`); an IPv4-mapped address (`::ffff:198.51.100.9`) keeps its /24 instead. */
function ipv6Network(groups: number[]): string {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) {
    return `::ffff:${g6 >> 8}.${g6 & 255}.${g7 >> 8}.0`;
  }
  return `${g0.toString(16)}:${g1.toString(16)}:${g2.toString(16)}::`;
}

/** Whether the whole (trimmed) text is one address, bracketed or with a port: dropped with its key. */
export function isAddressOnly(value: string): boolean {
  const text = value.trim();
  if (text.length > maxCandidate + 8 || text.length < 2) return false;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    const rest = text.slice(close + 1);
    return (
      close > 0 &&
      parseIpv6(withoutZone(text.slice(1, close))) !== undefined &&
      (rest === '' || (rest.startsWith(':') && isPort(rest.slice(1))))
    );
  }
  if (parseIpv4(text) || parseIpv6(withoutZone(text))) return true;
  const port = text.lastIndexOf(':');
  return port > 0 && parseIpv4(text.slice(0, port)) !== undefined && isPort(text.slice(port + 1));
}

const withoutZone = (text: string) => {
  const zone = text.indexOf('%');
  return zone < 0 ? text : text.slice(0, zone);
};
