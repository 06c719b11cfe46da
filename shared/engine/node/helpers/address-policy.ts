// Which destinations helpers.fetch may reach, and why one is refused. Pure: no I/O and no Node
// networking (eslint.config.js keeps node:net, node:dns, node:tls and undici out of this file), so
// every answer depends on the text alone and the adversarial tables in address-policy.test.ts can
// try every spelling without a socket. Only public unicast addresses are allowed; host names that
// mean this machine are refused by name; URLs must be https without credentials.

import { domainToASCII, domainToUnicode } from 'node:url';
import ipaddr from 'ipaddr.js';

export interface AddressVerdict {
  allowed: boolean;
  reason?: string;
}

export type AddressCheck = (address: string) => AddressVerdict;

// ---- IP literals in strict notation

const octet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const strictIPv4 = new RegExp(`^${octet}(?:\\.${octet}){3}$`);
const hexGroup = /^[0-9a-f]{1,4}$/i;
const zoneId = /%[0-9a-z.:-]+$/i;

function isStrictIPv6(text: string): boolean {
  const halves = text.replace(zoneId, '').split('::');
  if (halves.length > 2) return false;
  const compressed = halves.length === 2;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  // An embedded IPv4 address may only end the address, and counts as two groups.
  const endsInIPv4 = !(compressed && halves[1] === '');
  let units = 0;
  for (const [i, group] of groups.entries()) {
    if (i === groups.length - 1 && endsInIPv4 && strictIPv4.test(group)) units += 2;
    else if (hexGroup.test(group)) units += 1;
    else return false;
  }
  return compressed ? units <= 7 : units === 8;
}

/**
 * 4 or 6 when `text` is an IP address in the strict notation a socket connects to (dotted decimal
 * without leading zeros; IPv6 groups, an optional trailing IPv4 and zone id), else 0. The same
 * answers as node:net's isIP, which address-policy.test.ts checks.
 */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (typeof text !== 'string') return 0;
  if (strictIPv4.test(text)) return 4;
  return text.includes(':') && isStrictIPv6(text) ? 6 : 0;
}

// ---- Address policy

const rangeLabels: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (100.64/10)',
  private: 'private',
  reserved: 'reserved',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'site-local',
  rfc6052: 'local-use NAT64',
};

const refuse = (range: string, address: string, form = ''): AddressVerdict => ({
  allowed: false,
  reason: `${form}${rangeLabels[range] ?? `special-purpose (${range})`} address ${address}`,
});

const globalUnicast = ipaddr.parseCIDR('2000::/3');
const nat64WellKnown = ipaddr.parseCIDR('64:ff9b::/96');

function classifyIPv4(address: ipaddr.IPv4, form = ''): AddressVerdict {
  const range = address.range();
  // Allow-list: anything ipaddr.js knows as special-purpose is refused, not only the private ranges.
  return range === 'unicast' ? { allowed: true } : refuse(range, address.toString(), form);
}

function ipv4From(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function classifyIPv6(address: ipaddr.IPv6): AddressVerdict {
  const range: string = address.range();
  const p = address.parts;
  // Forms that carry an IPv4 address are judged by that address: `::ffff:127.0.0.1` is loopback.
  if (range === 'ipv4Mapped') return classifyIPv4(address.toIPv4Address(), 'IPv4-mapped form of ');
  if (range === 'rfc6145') return classifyIPv4(ipv4From(p[6] ?? 0, p[7] ?? 0), 'IPv4-translated form of ');
  if (address.match(nat64WellKnown)) return classifyIPv4(ipv4From(p[6] ?? 0, p[7] ?? 0), 'NAT64 form of ');
  if (range === '6to4') return classifyIPv4(ipv4From(p[1] ?? 0, p[2] ?? 0), '6to4 form of ');
  if (p.slice(0, 6).every((part) => part === 0) && range === 'unicast') {
    // IPv4-compatible ::a.b.c.d is deprecated (RFC 4291) and never a legitimate destination.
    const inner = ipv4From(p[6] ?? 0, p[7] ?? 0);
    return { allowed: false, reason: `IPv4-compatible form of address ${inner.toString()}` };
  }
  if (range !== 'unicast') return refuse(range, address.toString());
  // Only 2000::/3 is allocated as global unicast; the rest is reserved by IANA.
  if (!address.match(globalUnicast)) return { allowed: false, reason: `unallocated address ${address.toString()}` };
  return { allowed: true };
}

/**
 * IPv6 in the WHATWG serialization (hex groups only). ipaddr.js 2.5 reads the IPv4-compatible
 * `::127.0.0.1` as the IPv4-mapped `::ffff:127.0.0.1`, which is not the address a socket would
 * use; the URL parser gets it right and is the same one that reads the script's URL.
 */
function canonicalIPv6(text: string): string | undefined {
  try {
    return new URL(`https://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

/**
 * Whether a request may connect to `address`. Accepts an address however it is written
 * (`2130706433`, `0x7f.1`, `0177.0.0.1`, `[::1]`, `::ffff:7f00:1`); anything that is not an IP
 * address is refused. Only public unicast addresses are allowed.
 */
export function classifyAddress(address: string): AddressVerdict {
  if (typeof address !== 'string') return { allowed: false, reason: 'not an IP address' };
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // A zone id only makes sense on a link-local address, and the zone would pick the interface.
  if (text.includes('%')) return { allowed: false, reason: `scoped IPv6 address ${text}` };
  const canonical = !text.includes(':') ? text : /^[0-9a-f:.]+$/i.test(text) ? canonicalIPv6(text) : undefined;
  if (canonical === undefined || !ipaddr.isValid(canonical)) {
    return { allowed: false, reason: `not an IP address: ${JSON.stringify(address)}` };
  }
  const parsed = ipaddr.parse(canonical);
  return parsed.kind() === 'ipv4' ? classifyIPv4(parsed as ipaddr.IPv4) : classifyIPv6(parsed as ipaddr.IPv6);
}

/**
 * classifyAddress, with a refusal lifted for the addresses `unsafeAllowAddressForTests` names, so
 * that a test can reach its own server on 127.0.0.x. Never pass it outside tests.
 */
export function addressPolicy(unsafeAllowAddressForTests?: (address: string) => boolean): AddressCheck {
  return (address) => {
    const verdict = classifyAddress(address);
    return !verdict.allowed && unsafeAllowAddressForTests?.(address) ? { allowed: true } : verdict;
  };
}

// ---- Name policy

// Names that mean this machine whatever DNS says: getaddrinfo answers them from /etc/hosts (the
// Debian and Red Hat defaults) or, for *.localhost, by its own rule, so the address check would
// only catch them if the answer is a refused address. They are refused by name, before any lookup.
const localHostNames = new Set([
  'localhost',
  'localhost.localdomain',
  'localhost4',
  'localhost4.localdomain4',
  'localhost6',
  'localhost6.localdomain6',
  'ip6-localhost',
  'ip6-loopback',
]);

function isLocalHostName(name: string): boolean {
  return localHostNames.has(name) || name.endsWith('.localhost');
}

/**
 * Every spelling a host name can take on its way to a resolver, compared in one form: lower case,
 * without trailing dots, and both its punycode (UTS #46 mapping: full-width letters, `ⓛ`, soft
 * hyphens) and its Unicode form (`xn--localhost-` is Unicode `localhost`).
 */
function hostNameForms(hostname: string): string[] {
  const lower = hostname.toLowerCase();
  const forms = new Set([lower, domainToASCII(lower), domainToUnicode(lower)]);
  for (const form of [...forms]) forms.add(domainToUnicode(domainToASCII(form)));
  forms.delete('');
  return [...forms].map((form) => form.replace(/[.\u3002\uff0e\uff61]+$/u, ''));
}

/**
 * Whether a request may look up `hostname` at all. IP literals are left to classifyAddress; a name
 * of the local host (`localhost`, `*.localhost`, `ip6-loopback`…) is refused however it is written
 * (`LOCALHOST.`, `%6cocalhost`, `ｌｏｃａｌｈｏｓｔ`, `xn--localhost-`).
 */
export function classifyHostName(hostname: string): AddressVerdict {
  if (typeof hostname !== 'string') return { allowed: false, reason: 'not a host name' };
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  if (ipFamily(bare) !== 0) return { allowed: true };
  let decoded = bare;
  try {
    decoded = decodeURIComponent(bare);
  } catch {
    return { allowed: false, reason: `malformed host name ${JSON.stringify(hostname.slice(0, 200))}` };
  }
  if (hostNameForms(decoded).some(isLocalHostName)) {
    return { allowed: false, reason: `local host name ${JSON.stringify(hostname.slice(0, 200))}` };
  }
  return { allowed: true };
}

// ---- URL policy

export type UrlVerdict = { allowed: true; url: URL } | { allowed: false; reason: string };

/**
 * Whether a request may go to `raw` (resolved against `base`, as a redirect's Location is): https
 * only, no credentials in it, and a host that `check` (an IP literal) or classifyHostName (a name)
 * allows. Any port is allowed: the address decides what is reached.
 */
export function classifyUrl(raw: string, check: AddressCheck = classifyAddress, base?: URL): UrlVerdict {
  if (typeof raw !== 'string') return { allowed: false, reason: 'url must be a string' };
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return { allowed: false, reason: `invalid URL ${JSON.stringify(raw.slice(0, 200))}` };
  }
  if (url.protocol !== 'https:') return { allowed: false, reason: `only https URLs are allowed, not ${url.protocol}` };
  if (url.username || url.password) {
    return { allowed: false, reason: 'credentials in the URL are not allowed; use a header' };
  }
  // WHATWG parsing already turned 2130706433, 0x7f.1 or 127.1 into 127.0.0.1; refuse early and
  // clearly (the connector would refuse it anyway).
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const verdict = ipFamily(host) !== 0 ? check(host) : classifyHostName(host);
  if (!verdict.allowed) return { allowed: false, reason: verdict.reason ?? 'refused address' };
  return { allowed: true, url };
}
