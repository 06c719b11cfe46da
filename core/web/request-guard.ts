import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface GuardOptions {
  /** Host header values this server answers to, e.g. `127.0.0.1:5173` and `localhost:5173`. */
  allowedHosts: readonly string[];
  token: string;
}

export type GuardVerdict = { ok: true } | { ok: false; status: number; reason: string };

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks what every request must satisfy before its path is even looked at:
 * - the Host header names this server: a page on another site that made its own name resolve to
 *   127.0.0.1 (DNS rebinding) sends its own name and is refused;
 * - a browser's Origin, when sent, is this server's own, and Sec-Fetch-Site is not cross- or
 *   same-site (other local servers on other ports count as same-site, and must not get in).
 */
export function checkRequest(request: IncomingMessage, options: GuardOptions): GuardVerdict {
  const host = request.headers.host;
  if (!host || !options.allowedHosts.includes(host.toLowerCase())) {
    return { ok: false, status: 403, reason: 'foreign Host header' };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${host.toLowerCase()}`) {
    return { ok: false, status: 403, reason: 'foreign Origin header' };
  }
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { ok: false, status: 403, reason: `cross-site request (${String(site)})` };
  }
  return { ok: true };
}
