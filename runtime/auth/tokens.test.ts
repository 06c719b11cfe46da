import { describe, expect, it } from 'vitest';
import { hashToken, newToken, parseScopes, tokenId, tokenMatches } from './tokens';

describe('runtime tokens', () => {
  it('are recognisable, high-entropy and stored only as a hash', () => {
    const { token, record } = newToken(['publish', 'invoke'], 'ci');
    expect(token).toMatch(/^psrt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(tokenId(token)).toBe(record.id);
    expect(record.hash).toBe(hashToken(token));
    expect(JSON.stringify(record)).not.toContain(token.slice(22));
    expect(newToken(['publish'], '').token).not.toBe(token);
  });

  it('match only the right secret of an unrevoked record', () => {
    const { token, record } = newToken(['invoke'], '');
    expect(tokenMatches(token, record)).toBe(true);
    expect(tokenMatches(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, record)).toBe(false);
    expect(tokenMatches(token, undefined)).toBe(false);
    expect(tokenMatches(token, { ...record, revokedAt: 1 })).toBe(false);
    expect(tokenMatches(token, { ...record, hash: 'not hex' })).toBe(false);
    expect(tokenId('psrt_short')).toBeUndefined();
  });

  it('parse scope lists and name an unknown scope', () => {
    expect(parseScopes('publish, invoke,publish')).toEqual(['publish', 'invoke']);
    expect(() => parseScopes('publish,admin')).toThrow(/unknown scope 'admin'/);
    expect(() => parseScopes(' , ')).toThrow(/at least one scope/);
  });
});
