import type { HookId } from './hook-ids';

// One realistic payload per hook: the studio offers it as a starting event, and the tests check that
// each one satisfies its hook's schema.

const request = {
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
  country: 'NL',
};
const at = '2026-11-20T10:00:00.000Z';
const user = {
  id: 'usr_7Hk2',
  email: 'ada@example.com',
  emailVerified: true,
  name: 'Ada Lovelace',
  createdAt: '2025-03-14T09:26:53.000Z',
  role: 'member',
};

export const samplePayloads: Record<HookId, Record<string, unknown>> = {
  'signup.before': { request, at, user: { email: 'ada@example.com', name: 'Ada Lovelace' }, provider: 'email' },
  'signup.enrich': { request, at, user: { email: 'ada@example.com', name: 'Ada Lovelace' }, provider: 'email' },
  'signup.after': { request, at, user },
  'signin.before': { request, at, user, method: 'password' },
  'signin.after': { request, at, user, method: 'password', session: { id: 'ses_91xQ' } },
  'session.enrich': { request, at, user, session: { id: 'ses_91xQ', expiresAt: '2026-11-27T10:00:00.000Z' } },
  'token.enrich': {
    request,
    at,
    user,
    token: { type: 'access', audience: 'https://api.example.com', scopes: ['openid', 'profile'] },
    claims: { sub: 'usr_7Hk2', iss: 'https://auth.example.com' },
  },
  'signout.after': { request, at, user, session: { id: 'ses_91xQ' } },
  'account-link.before': { request, at, user, provider: 'github', providerAccountId: '583231' },
  'account-link.after': { request, at, user, provider: 'github' },
  'password-reset.before': { request, at, user: { email: 'ada@example.com' } },
  'password-change.after': { request, at, user },
  'email-change.before': { request, at, user, newEmail: 'ada.lovelace@example.org' },
  'email-verify.after': { request, at, user },
  'user-delete.before': { request, at, user },
  'user-delete.after': { request, at, user: { id: 'usr_7Hk2', email: 'ada@example.com' } },
};
