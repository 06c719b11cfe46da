import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { JsonValue } from '../../shared/engine';
import type { RedactionPolicy } from '../config';

// What a captured event loses before it is stored (formats.md: "redacted by the runtime's policy
// before they leave it"). Applied to every string of the event, wherever it sits:
// - email addresses (alone or inside text) keep their domain, which replays of domain rules need;
//   the local part becomes its first character + `***`, or `h_` + 12 hex of its SHA-256 (`hash`:
//   the same address always gives the same value, so repeated sign-ups still group);
// - IP addresses (alone or in lists such as X-Forwarded-For) are cut to their /24 (IPv4) or /48
//   (IPv6) network, or dropped;
// - strings that are credentials by their look (a JWT, `Bearer …`/`Basic …`, a runtime token
//   `psrt_…`) become `[redacted]`;
// and structurally: keys named like credentials (`dropKeys`) lose their value wherever they appear,
// and the configured `dropPaths` are removed. The runtime masks secret values separately.

export const redactedText = '[redacted]';

const emailPattern =
  /([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+)@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+)/g;
/** Candidate IP tokens inside text; isIP decides. */
const ipCandidatePattern = /[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*/g;
const credentialPatterns = [
  /^\s*(?:bearer|basic|digest|token)\s+\S+/i,
  /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/,
  /\bpsrt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\b/,
];

export interface Redactor {
  /** A redacted deep copy (structural rules and string rules). */
  event(value: JsonValue): JsonValue;
  /** String rules only: for outcome texts (a deny's reason) whose keys are the runtime's own. */
  text(value: string): string;
}

const normalizeKey = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

export function createRedactor(policy: RedactionPolicy): Redactor {
  const dropKeys = new Set(policy.dropKeys.map(normalizeKey));
  const dropPaths = policy.dropPaths.map((path) => path.split('.'));

  const maskLocal = (local: string): string => {
    if (policy.emails === 'hash')
      return `h_${createHash('sha256').update(local.toLowerCase()).digest('hex').slice(0, 12)}`;
    return `${local.slice(0, 1)}***`;
  };

  const truncateIp = (ip: string): string | undefined => {
    const kind = isIP(ip);
    if (kind === 0) return ip;
    if (policy.ips === 'drop') return undefined;
    if (kind === 4) return `${ip.split('.').slice(0, 3).join('.')}.0`;
    return ipv6Network48(ip);
  };

  const text = (value: string): string => {
    if (credentialPatterns.some((pattern) => pattern.test(value))) return redactedText;
    let out = value;
    if (policy.emails !== 'keep' && out.includes('@')) {
      out = out.replace(emailPattern, (_, local: string, domain: string) => `${maskLocal(local)}@${domain}`);
    }
    if (policy.ips !== 'keep' && /[.:]/.test(out)) {
      out = out.replace(ipCandidatePattern, (candidate) => {
        if (isIP(candidate) === 0) return candidate;
        return truncateIp(candidate) ?? redactedText;
      });
    }
    return out;
  };

  const walk = (value: JsonValue, path: string[]): JsonValue | undefined => {
    if (typeof value === 'string') {
      // A string that is only an address and is dropped by policy disappears with its key.
      if (policy.ips === 'drop' && isIP(value.trim()) !== 0) return undefined;
      return text(value);
    }
    if (Array.isArray(value)) {
      return value.map((item, i) => walk(item, [...path, String(i)]) ?? null);
    }
    if (value !== null && typeof value === 'object') {
      const out: Record<string, JsonValue> = {};
      for (const [key, child] of Object.entries(value)) {
        const childPath = [...path, key];
        if (dropPaths.some((drop) => pathMatches(drop, childPath))) continue;
        const isObject = child !== null && typeof child === 'object' && !Array.isArray(child);
        if (dropKeys.has(normalizeKey(key)) && !isObject) continue;
        const redacted = walk(child, childPath);
        if (redacted !== undefined) out[key] = redacted;
      }
      return out;
    }
    return value;
  };

  return {
    event: (value) => walk(value, []) ?? null,
    text,
  };
}

function pathMatches(pattern: readonly string[], path: readonly string[]): boolean {
  return pattern.length === path.length && pattern.every((segment, i) => segment === '*' || segment === path[i]);
}

/** The /48 of an IPv6 address as text (`2001:db8:1::`); IPv4-mapped addresses keep their /24. */
function ipv6Network48(ip: string): string {
  const mapped = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped && /^(?:0{0,4}:){0,5}(?:ffff:)?$/i.test(mapped[1] ?? '')) {
    return `::ffff:${(mapped[2] ?? '').split('.').slice(0, 3).join('.')}.0`;
  }
  const [head = '', tail = ''] = ip.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::')
    ? [...headParts, ...Array<string>(8 - headParts.length - tailParts.length).fill('0'), ...tailParts]
    : headParts;
  const network = groups.slice(0, 3).map((group) => (parseInt(group, 16) || 0).toString(16));
  return `${network.join(':')}::`;
}
