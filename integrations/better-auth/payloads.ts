import { getIP } from 'better-auth/api';
import type { BetterAuthOptions } from 'better-auth';

// The hook payloads (shared/hooks/payload-schemas.ts) built from what better-auth hands a hook.
// Everything is plain JSON: dates become ISO-8601 strings, the plugin's JSON column becomes
// `user.metadata`, and fields the contract does not name are kept (scripts may read them).

export type SignInMethod = 'password' | 'oauth' | 'magic-link' | 'passkey' | 'otp';

/** The better-auth endpoint context, as far as the plugin reads it. */
export interface EndpointLike {
  path?: string;
  request?: Request;
  headers?: Headers;
  params?: Record<string, unknown>;
  body?: unknown;
}

export const dataField = 'pipelineData';

/** When better-auth cannot tell the client's address (a server-side call with no headers). */
export const unknownIp = 'unknown';

export function requestInfo(
  endpoint: EndpointLike | null | undefined,
  options: BetterAuthOptions,
): { ip: string; userAgent?: string } {
  const headers = endpoint?.request?.headers ?? endpoint?.headers;
  if (!headers) return { ip: unknownIp };
  const ip = getIP(headers, options) ?? unknownIp;
  const userAgent = headers.get('user-agent');
  return userAgent ? { ip, userAgent } : { ip };
}

/** The request recorded on a session (token.enrich has no request of its own). */
export function sessionRequestInfo(session: Record<string, unknown>): { ip: string; userAgent?: string } {
  const ip = typeof session.ipAddress === 'string' && session.ipAddress ? session.ipAddress : unknownIp;
  return typeof session.userAgent === 'string' && session.userAgent ? { ip, userAgent: session.userAgent } : { ip };
}

const coreUserKeys = new Set(['id', 'email', 'emailVerified', 'name', 'createdAt', 'role', dataField]);
const hiddenUserKeys = new Set(['password', 'updatedAt']);

/** `user` of the contract from a better-auth user record (or the data of one being created). */
export function userPayload(record: Record<string, unknown>): Record<string, unknown> {
  const user: Record<string, unknown> = { email: String(record.email ?? '') };
  if (typeof record.id === 'string') user.id = record.id;
  if (typeof record.emailVerified === 'boolean') user.emailVerified = record.emailVerified;
  if (typeof record.name === 'string' && record.name !== '') user.name = record.name;
  const createdAt = isoOf(record.createdAt);
  if (createdAt) user.createdAt = createdAt;
  if (typeof record.role === 'string') user.role = record.role;
  const metadata = parseData(record[dataField]);
  if (metadata) user.metadata = metadata;
  // The host's own columns (additionalFields, other plugins' fields) ride along as extras.
  for (const [key, value] of Object.entries(record)) {
    if (coreUserKeys.has(key) || hiddenUserKeys.has(key)) continue;
    const plain = plainValue(value);
    if (plain !== undefined) user[key] = plain;
  }
  return user;
}

/** `session` of the contract: never the session token (a credential). */
export function sessionPayload(record: Record<string, unknown>): Record<string, unknown> {
  const session: Record<string, unknown> = {};
  if (typeof record.id === 'string') session.id = record.id;
  if (typeof record.userId === 'string') session.userId = record.userId;
  const expiresAt = isoOf(record.expiresAt);
  if (expiresAt) session.expiresAt = expiresAt;
  if (typeof record.ipAddress === 'string' && record.ipAddress) session.ipAddress = record.ipAddress;
  if (typeof record.userAgent === 'string' && record.userAgent) session.userAgent = record.userAgent;
  const data = parseData(record[dataField]);
  if (data) session.data = data;
  return session;
}

export function withTime(event: Record<string, unknown>): Record<string, unknown> {
  return { ...event, at: new Date().toISOString() };
}

/** The plugin's JSON column, parsed; undefined when empty or not an object. */
export function parseData(value: unknown): Record<string, unknown> | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
    return value as Record<string, unknown>;
  }
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isoOf(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === 'string' && value) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  return undefined;
}

function plainValue(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value instanceof Date) return isoOf(value);
  return undefined;
}

/** How a session came to be, from the endpoint that creates it (better-auth core and its plugins). */
export function signInMethodOf(path: string | undefined): SignInMethod {
  if (!path) return 'password';
  if (path.startsWith('/callback/') || path.startsWith('/oauth2/callback') || path === '/sign-in/social')
    return 'oauth';
  if (path.startsWith('/sign-in/oauth2') || path.startsWith('/one-tap') || path.startsWith('/sso/')) return 'oauth';
  if (path.startsWith('/magic-link') || path === '/verify-email') return 'magic-link';
  if (path.startsWith('/passkey')) return 'passkey';
  if (path.includes('otp') || path === '/phone-number/verify') return 'otp';
  return 'password';
}

/** The provider of a sign-up or sign-in: `email` for email and password, else the OAuth provider id. */
export function providerOf(endpoint: EndpointLike | null | undefined): string {
  const path = endpoint?.path;
  if (!path) return 'unknown';
  const params = endpoint?.params ?? {};
  for (const key of ['id', 'providerId']) {
    if (typeof params[key] === 'string' && params[key]) return params[key] as string;
  }
  const body = endpoint?.body as Record<string, unknown> | undefined;
  if (body && typeof body.provider === 'string') return body.provider;
  if (body && typeof body.providerId === 'string') return body.providerId;
  if (path.startsWith('/sign-up/email') || path.startsWith('/sign-in/email') || path.startsWith('/sign-in/username'))
    return 'email';
  if (path.startsWith('/magic-link')) return 'magic-link';
  if (path.includes('otp')) return 'email-otp';
  if (path.startsWith('/sign-in/anonymous')) return 'anonymous';
  if (path.startsWith('/admin/')) return 'admin';
  return 'unknown';
}
