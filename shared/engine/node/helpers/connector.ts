// Connections for helpers.fetch that only ever reach addresses the policy allows.
//
// The address check happens inside the connection itself: the undici connector resolves the host
// with our lookup, refuses the host if ANY address it resolves to is refused, and hands the socket
// only checked addresses. Nothing resolves the name a second time, so DNS rebinding has no window
// between the check and the connect. IP literals skip lookup in node:net, so the connector checks
// them itself, and the connected socket's peer address is checked once more as a backstop.

import { lookup as systemLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { addressPolicy, classifyHostName } from './address-policy';
import { blocked, describeError, failed } from './fetch-error';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface ConnectionOptions {
  /** Resolves a host name; defaults to the system resolver (getaddrinfo, so /etc/hosts too). */
  resolve?: HostResolver;
  /** Extra trusted CA certificates (PEM), in addition to Node's bundled roots. */
  ca?: string | readonly string[];
  /**
   * TESTS ONLY: addresses for which a refusal is lifted, so that a test can reach its own server
   * on 127.0.0.x. Never set this outside tests.
   */
  unsafeAllowAddressForTests?: (address: string) => boolean;
}

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  const found = await systemLookup(hostname, { all: true, verbatim: true });
  return found.map(({ address }) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
}

/**
 * Resolves `hostname` and returns its addresses when every one of them is allowed; otherwise throws
 * a FETCH_BLOCKED FetchError. The connector calls exactly this, once per connection, and connects
 * only to what it returns.
 */
export async function resolveCheckedAddresses(
  hostname: string,
  options: ConnectionOptions = {},
): Promise<ResolvedAddress[]> {
  const check = addressPolicy(options.unsafeAllowAddressForTests);
  // Before the resolver: a local host name must not even be looked up.
  const name = classifyHostName(hostname);
  if (!name.allowed) throw blocked(name.reason ?? 'refused host name');
  let found: unknown;
  try {
    found = await (options.resolve ?? systemResolve)(hostname);
  } catch (error) {
    throw failed(`could not resolve ${hostname}: ${describeError(error)}`);
  }
  if (!Array.isArray(found) || found.length === 0) throw failed(`${hostname} has no addresses`);
  const checked: ResolvedAddress[] = [];
  for (const entry of found as unknown[]) {
    const address = typeof entry === 'object' && entry !== null ? (entry as { address?: unknown }).address : undefined;
    // Strict notation only, so the string we check is exactly the one the socket connects to.
    const family = typeof address === 'string' ? isIP(address) : 0;
    if (typeof address !== 'string' || family === 0) {
      throw blocked(`${hostname} resolved to something that is not an IP address`);
    }
    const verdict = check(address);
    if (!verdict.allowed) throw blocked(`${hostname} resolves to ${verdict.reason ?? 'a refused address'}`);
    checked.push({ address, family: family === 6 ? 6 : 4 });
  }
  return checked;
}

function guardedLookup(options: ConnectionOptions, signal: AbortSignal): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    const { family: asked, all } = lookupOptions;
    const wanted = asked === 'IPv4' ? 4 : asked === 'IPv6' ? 6 : asked;
    resolveCheckedAddresses(hostname, options).then(
      (addresses) => {
        // A late answer must not open a connection for a call that has already given up.
        if (signal.aborted) return callback(failed('timed out while resolving'), '');
        const usable = wanted === 4 || wanted === 6 ? addresses.filter((a) => a.family === wanted) : addresses;
        const first = usable[0];
        if (!first) return callback(failed(`${hostname} has no IPv${String(wanted)} address`), '');
        if (all) return callback(null, usable satisfies LookupAddress[]);
        return callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error instanceof Error ? error : failed(describeError(error)), ''),
    );
  };
}

/**
 * An undici dispatcher for one request (one hop): it resolves through resolveCheckedAddresses,
 * connects only to the addresses that returned, refuses a refused IP literal before connecting and
 * drops a socket whose peer is refused. `signal` is the call's: once it fires, a late DNS answer
 * opens nothing. `timeoutMs` bounds the connect and TLS handshake of the socket itself.
 */
export function createGuardedAgent(options: ConnectionOptions, signal: AbortSignal, timeoutMs: number): Agent {
  const check = addressPolicy(options.unsafeAllowAddressForTests);
  const extraCa = options.ca === undefined ? [] : typeof options.ca === 'string' ? [options.ca] : [...options.ca];
  const baseConnect = buildConnector({
    lookup: guardedLookup(options, signal),
    // A stalled connect or TLS handshake is abandoned by the call at its deadline; this makes the
    // socket itself go away about then too (undici's timer has ~1 s resolution), not after 10 s.
    timeout: timeoutMs,
    ...(extraCa.length > 0 ? { ca: [...rootCertificates, ...extraCa] } : {}),
  });
  const connect: buildConnector.connector = (target, callback) => {
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    const literal = isIP(host) !== 0 ? check(host) : { allowed: true };
    if (!literal.allowed) return callback(blocked(literal.reason ?? 'refused address'), null);
    baseConnect(target, (error, socket) => {
      if (error) return callback(error, null);
      const peer = socket?.remoteAddress;
      const verdict = peer ? check(peer) : { allowed: false, reason: 'unknown peer address' };
      if (!socket || !verdict.allowed) {
        socket?.destroy();
        return callback(blocked(`connected to ${verdict.reason ?? 'a refused address'}`), null);
      }
      return callback(null, socket);
    });
  };
  // One agent per hop: every hop resolves, checks and connects afresh, and no pooled connection
  // outlives the call or is shared between scripts.
  return new Agent({ connect, connections: 1, pipelining: 1 });
}
