import { describe, expect, it } from 'vitest';
import { redactionSchema } from '../config';
import { createRedactor } from './redaction';

const redactor = (overrides: Record<string, unknown> = {}) => createRedactor(redactionSchema.parse(overrides));

describe('the redaction policy', () => {
  it('masks email local parts anywhere, keeping the domain; hash mode is stable', () => {
    const r = redactor();
    expect(r.event({ user: { email: 'ada@example.com' }, note: 'from bob.smith+x@mail.example.org today' })).toEqual({
      user: { email: 'a***@example.com' },
      note: 'from b***@mail.example.org today',
    });
    const hashed = redactor({ emails: 'hash' });
    const one = hashed.text('Ada@example.com');
    expect(one).toMatch(/^h_[0-9a-f]{12}@example\.com$/);
    expect(hashed.text('ada@example.com')).toBe(one);
    expect(redactor({ emails: 'keep' }).text('ada@example.com')).toBe('ada@example.com');
  });

  it('cuts IPv4 to /24 and IPv6 to /48, alone or in lists, or drops them', () => {
    const r = redactor();
    expect(r.text('203.0.113.77')).toBe('203.0.113.0');
    expect(r.text('2001:db8:abcd:12:3:4:5:6')).toBe('2001:db8:abcd::');
    expect(r.text('2001:db8::1')).toBe('2001:db8:0::');
    expect(r.text('::ffff:198.51.100.9')).toBe('::ffff:198.51.100.0');
    expect(r.text('203.0.113.77, 2001:db8:1:2::5')).toBe('203.0.113.0, 2001:db8:1::');
    expect(r.text('at 10:00:00.000 version 1.2.3')).toBe('at 10:00:00.000 version 1.2.3');
    const dropped = redactor({ ips: 'drop' }).event({ request: { ip: '203.0.113.77', via: 'a 203.0.113.77' } });
    expect(dropped).toEqual({ request: { via: 'a [redacted]' } });
  });

  it('drops credentials by key (any case or separator) and by look, and the configured paths', () => {
    const r = redactor({ dropPaths: ['user.metadata.ssn', 'request.headers.*'] });
    expect(
      r.event({
        Password: 'p',
        new_password: 'p',
        'API-KEY': 'k',
        token: { type: 'access', audience: 'x', refresh_token: 'r' },
        accessToken: 'opaque',
        user: { metadata: { ssn: '1', plan: 'pro' } },
        request: { headers: { cookie: 'c', accept: 'x' } },
        list: [{ secret: 's', keep: 1 }],
        bearer: 'Bearer abc.def',
        jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
        ours: 'psrt_0123456789abcdef_' + 'A'.repeat(43),
      }),
    ).toEqual({
      token: { type: 'access', audience: 'x' },
      user: { metadata: { plan: 'pro' } },
      request: { headers: {} },
      list: [{ keep: 1 }],
      bearer: '[redacted]',
      jwt: '[redacted]',
      ours: '[redacted]',
    });
  });
});
