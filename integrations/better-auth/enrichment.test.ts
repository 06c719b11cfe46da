import { describe, expect, it } from 'vitest';
import { toRecordFields, unwrap } from './enrichment';
import { providerOf, signInMethodOf, userPayload } from './payloads';

// Where enrichment fields land, and how better-auth's records and endpoints become payload fields.

const userColumns = {
  id: { type: 'string' },
  email: { type: 'string' },
  name: { type: 'string' },
  plan: { type: 'string' },
  seats: { type: 'number' },
  tier: { type: ['free', 'pro'] },
  createdAt: { type: 'date' },
};

describe('enrichment fields', () => {
  it('writes declared columns of the right type and keeps the rest in the JSON column', () => {
    expect(
      toRecordFields(
        { plan: 'team', seats: '3', tier: 'pro', company: 'example.com', email: 'x@evil.test', metadata: { a: 1 } },
        userColumns,
        JSON.stringify({ before: true }),
      ),
    ).toEqual({
      plan: 'team',
      tier: 'pro',
      pipelineData: JSON.stringify({ before: true, seats: '3', company: 'example.com', email: 'x@evil.test', a: 1 }),
    });
  });

  it('writes no JSON column when every field has a column', () => {
    expect(toRecordFields({ plan: 'team', seats: 3 }, userColumns, undefined)).toEqual({ plan: 'team', seats: 3 });
  });

  it("unwraps a result that mirrors the payload's record key", () => {
    expect(unwrap({ claims: { tier: 'pro' }, region: 'eu' }, 'claims')).toEqual({ tier: 'pro', region: 'eu' });
    expect(unwrap({ tier: 'pro' }, 'claims')).toEqual({ tier: 'pro' });
  });
});

describe('payload fields', () => {
  it('shapes a better-auth user as the contract user', () => {
    const createdAt = new Date('2026-01-02T03:04:05.000Z');
    expect(
      userPayload({
        id: 'u1',
        email: 'ada@example.com',
        emailVerified: false,
        name: '',
        image: null,
        createdAt,
        updatedAt: createdAt,
        plan: 'team',
        pipelineData: '{"company":"example.com"}',
      }),
    ).toEqual({
      id: 'u1',
      email: 'ada@example.com',
      emailVerified: false,
      createdAt: '2026-01-02T03:04:05.000Z',
      metadata: { company: 'example.com' },
      plan: 'team',
    });
  });

  it('infers the sign-in method and provider from the endpoint', () => {
    expect(signInMethodOf('/sign-in/email')).toBe('password');
    expect(signInMethodOf('/callback/:id')).toBe('oauth');
    expect(signInMethodOf('/magic-link/verify')).toBe('magic-link');
    expect(signInMethodOf('/passkey/verify-authentication')).toBe('passkey');
    expect(signInMethodOf('/sign-in/email-otp')).toBe('otp');
    expect(providerOf({ path: '/callback/:id', params: { id: 'github' } })).toBe('github');
    expect(providerOf({ path: '/sign-up/email', body: { email: 'a@b.c' } })).toBe('email');
    expect(providerOf(null)).toBe('unknown');
  });
});
