import type { JsonValue } from '../../shared/engine';
import type { z } from 'zod';
import type { redactionSchema } from '../config';

// Inputs an attacker or a careless integration puts in captured events, each with what redaction
// must make of it (docs/runtime.md, "Redaction of captured events"). redaction.test.ts runs every
// case; keep one case per way of writing a credential, an address or a key, so that a regression
// names the form it lets through.

export interface CorpusCase {
  name: string;
  /** Policy overrides (the defaults otherwise). */
  policy?: z.input<typeof redactionSchema>;
  /** Which Redactor method gets `input` (`text` takes a string). Default: `event`. */
  via?: 'event' | 'text' | 'outcome';
  input: JsonValue;
  /** The whole output, when it is worth pinning. */
  expected?: JsonValue;
  /** Substrings that must not appear anywhere in the output's JSON. */
  absent?: string[];
  /** Substrings that must stay (what is kept on purpose). */
  present?: string[];
}

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.Zm9vYmFyYmF6cXV4';
const pem = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', '-----END PRIVATE KEY-----'].join('\n');

export const redactionCorpus: CorpusCase[] = [
  // Credentials inside text.
  {
    name: 'token=<JWT> inside text',
    via: 'text',
    input: `retry with token=${jwt} please`,
    expected: 'retry with token=[redacted] please',
  },
  { name: 'a JWT alone inside text', via: 'text', input: `got ${jwt}.`, expected: 'got [redacted].' },
  {
    name: 'URL fragment with an access token',
    via: 'text',
    input: 'https://app.example.com/cb#access_token=ya29.a0AfH6SMB&token_type=Bearer&expires_in=3599',
    expected: 'https://app.example.com/cb#access_token=[redacted]&token_type=Bearer&expires_in=3599',
  },
  {
    name: 'URL query credentials',
    via: 'text',
    input: 'GET /hook?api_key=k3y-0123456&password=hunter2&client_secret=s3cr3t&page=2',
    expected: 'GET /hook?api_key=[redacted]&password=[redacted]&client_secret=[redacted]&page=2',
  },
  {
    // A password may hold `)`, `,` or `:`: the value runs to whitespace, `&`, `#`, `;`, a quote or `<>`.
    name: 'a value after `=` runs to the next separator, over-redacting rather than leaking',
    via: 'text',
    input: 'blocked (password=pa)ss,w:rd) today',
    expected: 'blocked (password=[redacted] today',
  },
  {
    name: 'an OAuth authorization code in a callback URL',
    via: 'text',
    input: 'https://app.example.com/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj',
    expected: 'https://app.example.com/callback?code=[redacted]&state=af0ifjsldkj',
  },
  {
    name: 'credentials in a percent-encoded redirect URL',
    via: 'text',
    input: 'next=https%3A%2F%2Fapp.example.com%2Fcb%3Ftoken%3Dabc123def456%26lang%3Den',
    absent: ['abc123def456'],
    present: ['%26lang%3Den'],
  },
  {
    name: 'Authorization: Bearer in the middle of text',
    via: 'text',
    input: 'request failed (Authorization: Bearer opaque-abcdef0123) after 3 tries',
    absent: ['opaque-abcdef0123'],
    present: ['request failed (Authorization: '],
  },
  {
    name: 'Bearer and Basic anywhere in text',
    via: 'text',
    input: 'sent Bearer 9f8e7d6c5b4a and Basic YWRhOmh1bnRlcjI= to the API',
    expected: 'sent [redacted] and [redacted] to the API',
  },
  {
    name: 'prose that only mentions the schemes is kept',
    via: 'text',
    input: 'the bearer of a basic plan; token expired; session: closed',
    expected: 'the bearer of a basic plan; token expired; session: closed',
  },
  {
    name: 'credentials in JSON inside text',
    via: 'text',
    input: '{"user":"ada","password":"hunter2","otp": "123456"}',
    expected: '{"user":"ada","password":"[redacted]","otp": "[redacted]"}',
  },
  {
    name: 'header lines inside text',
    via: 'text',
    input: 'Cookie: sid=s%3Aabc.def; theme=dark\nX-Api-Key: 0123456789abcdef\nAccept: */*',
    expected: 'Cookie: [redacted]\nX-Api-Key: [redacted]\nAccept: */*',
  },
  {
    name: 'well-known key prefixes',
    via: 'text',
    input: [
      'sk_live_51H8abcdEFGH1234',
      'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
      'rk_live_00000000aaaaaaaa',
      'pk_live_TYooMQauvdEDq54NiTphI7jx',
      'whsec_abcdefgh12345678',
      'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8',
      'gho_' + 'x'.repeat(36),
      'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
      'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
      'xoxp-123-456-789-abcdef',
      'AKIAIOSFODNN7EXAMPLE',
      'AIzaSyA-1234567890abcdefghijklmnopqrstu',
      'psrt_0123456789abcdef_' + 'B'.repeat(43),
      'glpat-abcdefghij0123456789',
      'npm_' + 'a1'.repeat(18),
    ].join(' , '),
    absent: ['sk_live_', 'sk_test_', 'rk_live_', 'pk_live_', 'whsec_', 'ghp_', 'gho_', 'github_pat_', 'xox', 'AKIA'],
    present: ['[redacted] , [redacted]'],
  },
  { name: 'a private key PEM block', via: 'text', input: `key:\n${pem}\nend`, expected: 'key:\n[redacted]\nend' },
  {
    name: 'URL user information',
    via: 'text',
    input: 'postgres://app:s3cr3t-pw@db.internal:5432/app',
    expected: 'postgres://[redacted]@db.internal:5432/app',
  },
  // Key spellings.
  {
    name: 'credential keys in every spelling',
    input: {
      confirmPassword: 'p1',
      password_confirmation: 'p2',
      pwd: 'p3',
      userPassword: 'p4',
      'X-Api-Key': 'p5',
      'x-auth-token': 'p6',
      NEW_PASSWORD: 'p7',
      'user.pass': 'p8',
      passphrase: 'p9',
      'Proxy-Authorization': 'p10',
      'set-cookie': ['p11'],
      totpSecret: 'p12',
      cardNumber: 4111111111111111,
      cvc: 123,
      pin: 1234,
      ssn: '078-05-1120',
      clientSecret: 'p13',
      refresh_token: 'p14',
      idToken: 'p15',
      sessionId: 'p16',
      privateKey: 'p17',
      recoveryCodes: ['p18', 'p19'],
      signature: 'p20',
      apikey: 'p21',
      credentials: { user: 'ada', pass: 'p22' },
      kept: 'visible',
    },
    expected: { kept: 'visible' },
  },
  { name: 'an object under a dropped key', input: { password: { value: 'hunter2' } }, expected: {} },
  {
    name: 'an array or a number under a dropped key',
    input: { secret: ['a', 'b'], otp: 123456, note: 'x' },
    expected: { note: 'x' },
  },
  {
    name: 'scalars under holder keys go, their descriptions stay',
    input: {
      token: { type: 'access', audience: 'api', value: 'opaque-123456' },
      session: { id: 'sess_01', token: 'st_abc', userId: 'u1', expiresAt: '2030-01-01', ipAddress: '203.0.113.9' },
      card: { brand: 'visa', last4: '4242', number: '4242424242424242' },
      auth: 'Zm9vOmJhcg==',
    },
    expected: {
      token: { type: 'access', audience: 'api' },
      session: { id: 'sess_01', userId: 'u1', expiresAt: '2030-01-01', ipAddress: '203.0.113.0' },
      card: { brand: 'visa', last4: '4242' },
    },
  },
  {
    name: 'keys that describe a credential are kept',
    input: {
      passkeyEnabled: true,
      passwordChangedAt: '2024-05-01',
      tokenType: 'Bearer',
      authMethod: 'password',
      secretName: 'API_KEY',
      sessionExpiresAt: 1700000000,
      hasPassword: false,
      bypass: 'no',
    },
    present: ['passkeyEnabled', 'passwordChangedAt', 'tokenType', 'authMethod', 'secretName', 'sessionExpiresAt'],
    expected: {
      passkeyEnabled: true,
      passwordChangedAt: '2024-05-01',
      tokenType: 'Bearer',
      authMethod: 'password',
      secretName: 'API_KEY',
      sessionExpiresAt: 1700000000,
      hasPassword: false,
      bypass: 'no',
    },
  },
  // E-mail addresses in all their forms.
  {
    name: 'internationalised addresses',
    via: 'text',
    input: 'from jürgen@exämple.de, 田中太郎@例え.jp and ÉLISE@example.com',
    expected: 'from j***@exämple.de, 田***@例え.jp and É***@example.com',
  },
  {
    name: 'percent-encoded addresses',
    via: 'text',
    input: '/verify?email=ada%40example.com&alt=ada%2Bx%40example.com',
    expected: '/verify?email=a***%40example.com&alt=a***%40example.com',
  },
  {
    name: 'a quoted local part',
    via: 'text',
    input: 'sender "john doe"@example.com wrote',
    expected: 'sender j***@example.com wrote',
  },
  {
    name: 'mailto: and addresses inside URLs',
    via: 'text',
    input: 'mailto:ada@example.com https://example.com/u/ada.lovelace@example.com/x?to=bob@example.org',
    expected: 'mailto:a***@example.com https://example.com/u/a***@example.com/x?to=b***@example.org',
  },
  {
    name: 'fullwidth at-sign and an address literal',
    via: 'text',
    input: 'ada＠example.com, ada@[203.0.113.7]',
    expected: 'a***＠example.com, a***@[203.0.113.0]',
  },
  // IP addresses.
  {
    name: 'addresses with ports, in lists and with zone ids',
    via: 'text',
    input: '203.0.113.7:443 [2001:db8::1]:8443 fe80::1%eth0, 198.51.100.23,2001:db8:abcd:12::1 ::ffff:192.0.2.128',
    expected: '203.0.113.0:443 [2001:db8:0::]:8443 fe80:0:0::%eth0, 198.51.100.0,2001:db8:abcd:: ::ffff:192.0.2.0',
  },
  {
    name: 'times, versions and C++ names are not addresses',
    via: 'text',
    input: 'at 10:00:00.000 version 1.2.3 std::vector 00:1a:2b:3c:4d:5e',
    expected: 'at 10:00:00.000 version 1.2.3 std::vector 00:1a:2b:3c:4d:5e',
  },
  {
    name: 'dropped addresses take their key with them',
    policy: { ips: 'drop' },
    input: { ip: '203.0.113.7:443', v6: '[2001:db8::1]:443', via: 'proxy 203.0.113.7' },
    expected: { via: 'proxy [redacted]' },
  },
  // Keys that are addresses.
  {
    name: 'keys that are e-mail addresses or IPs',
    input: { 'ada@example.com': 1, 'alan@example.com': 2, '203.0.113.7': 'seen' },
    expected: { 'a***@example.com': 1, 'a***@example.com (2)': 2, '203.0.113.0': 'seen' },
  },
  // Outcomes.
  {
    name: "a blocking hook's free-text code and reason",
    via: 'outcome',
    input: {
      allow: false,
      reason: 'ada@example.com is blocked: token=abc123def456',
      code: 'BLOCKED ada@example.com sk_live_abcdefgh12345678',
      error: { code: 'SCRIPT_ERROR', script: 'gate' },
      data: { password: 'x', ip: '203.0.113.7' },
    },
    expected: {
      allow: false,
      reason: 'a***@example.com is blocked: token=[redacted]',
      code: 'BLOCKED a***@example.com [redacted]',
      error: { code: 'SCRIPT_ERROR', script: 'gate' },
      data: { ip: '203.0.113.0' },
    },
  },
];
