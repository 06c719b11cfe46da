import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { tokenScopes, type RuntimeStorage, type StoredToken, type TokenScope } from '../storage/types';

// API tokens: `psrt_<id>_<secret>`. The prefix makes a leaked token recognisable (secret scanners,
// logs); the id (8 random bytes, hex) is the public lookup key; the secret is 32 random bytes
// (base64url, 256 bits). Only the SHA-256 of the whole token is stored. Verification looks the
// record up by id and compares the hashes with timingSafeEqual; an unknown id still does one
// comparison, so that a miss and a wrong secret take the same path.

export const tokenPrefix = 'psrt_';
const tokenPattern = /^psrt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const dummyHash = Buffer.alloc(32);

export interface CreatedToken {
  /** Shown once; never stored. */
  token: string;
  record: StoredToken;
}

export function isTokenScope(value: string): value is TokenScope {
  return (tokenScopes as readonly string[]).includes(value);
}

/** `publish,invoke` → scopes; throws naming the unknown one. */
export function parseScopes(text: string): TokenScope[] {
  const scopes = [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (scopes.length === 0) throw new Error(`at least one scope is needed (${tokenScopes.join(', ')})`);
  for (const scope of scopes) {
    if (!isTokenScope(scope)) throw new Error(`unknown scope '${scope}' (scopes: ${tokenScopes.join(', ')})`);
  }
  return scopes as TokenScope[];
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(scopes: readonly TokenScope[], name: string, now = Date.now()): CreatedToken {
  const id = randomBytes(8).toString('hex');
  const token = `${tokenPrefix}${id}_${randomBytes(32).toString('base64url')}`;
  return { token, record: { id, hash: hashToken(token), scopes: [...scopes], name, createdAt: now } };
}

export async function createToken(
  storage: RuntimeStorage,
  options: { scopes: readonly TokenScope[]; name?: string },
): Promise<CreatedToken> {
  const created = newToken(options.scopes, options.name ?? '');
  await storage.addToken(created.record);
  return created;
}

/** The token's id when it has the token's shape; undefined otherwise. */
export function tokenId(token: string): string | undefined {
  return tokenPattern.exec(token)?.[1];
}

/** true when `token` hashes to the record's hash and the record is not revoked. Constant time in the secret. */
export function tokenMatches(token: string, record: StoredToken | undefined): boolean {
  const presented = createHash('sha256').update(token, 'utf8').digest();
  const stored = record && /^[0-9a-f]{64}$/.test(record.hash) ? Buffer.from(record.hash, 'hex') : dummyHash;
  const equal = timingSafeEqual(presented, stored);
  return equal && record !== undefined && record.revokedAt === undefined;
}

/** A token record without its hash: what `token list` shows. */
export function describeToken(record: StoredToken): Omit<StoredToken, 'hash'> {
  const { hash: _hash, ...rest } = record;
  return rest;
}
