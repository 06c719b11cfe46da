import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../shared/engine';
import { redactionSchema } from '../config';
import {
  createRedactor,
  depthMarker,
  maxDepth,
  maxNodes,
  maxStringChars,
  nodesMarker,
  truncatedKey,
  truncatedMarker,
} from './redaction';
import { redactionCorpus } from './redaction-corpus';
import { classifyKey } from './redaction-keys';

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

describe('the corpus of hostile and awkward inputs (redaction-corpus.ts)', () => {
  for (const entry of redactionCorpus) {
    it(entry.name, () => {
      const r = redactor(entry.policy ?? {});
      const via = entry.via ?? 'event';
      const output =
        via === 'text'
          ? r.text(entry.input as string)
          : via === 'outcome'
            ? r.outcome(entry.input)
            : r.event(entry.input);
      const json = JSON.stringify(output);
      if (entry.expected !== undefined) expect(output).toEqual(entry.expected);
      for (const absent of entry.absent ?? []) expect(json).not.toContain(absent);
      for (const present of entry.present ?? []) expect(json).toContain(present);
      // Redacting again changes nothing.
      const again = via === 'text' ? r.text(output as string) : via === 'outcome' ? r.outcome(output) : r.event(output);
      expect(again).toEqual(output);
    });
  }
});

describe('credential keys', () => {
  it.each([
    ['confirmPassword', 'drop'],
    ['password_confirmation', 'drop'],
    ['newpassword', 'drop'],
    ['pwd', 'drop'],
    ['userPass', 'drop'],
    ['X-Api-Key', 'drop'],
    ['APIKey', 'drop'],
    ['x-auth-token', 'drop'],
    ['csrftoken', 'holder'],
    ['resetToken', 'holder'],
    ['token', 'holder'],
    ['session', 'holder'],
    ['sessionId', 'drop'],
    ['session_id', 'drop'],
    ['cvv2', 'drop'],
    ['social_security_number', 'drop'],
    ['passkeyEnabled', 'none'],
    ['passThrough', 'none'],
    ['bypass', 'none'],
    ['tokenType', 'none'],
    ['authMethod', 'none'],
    ['secretNames', 'none'],
    ['accessTokenExpiresAt', 'none'],
    ['apiKeyId', 'none'],
    ['pinned', 'none'],
    ['oauth', 'none'],
    ['publicKey', 'none'],
    ['email', 'none'],
  ] as const)('%s is %s', (key, kind) => {
    expect(classifyKey(key)).toBe(kind);
  });

  it('inside an object under a holder key, `value`, `raw`, `number`… hold the credential', () => {
    expect(classifyKey('value', true)).toBe('drop');
    expect(classifyKey('value', false)).toBe('none');
    expect(classifyKey('type', true)).toBe('none');
  });

  it('configured dropKeys add to the vocabulary and drop whatever the value is', () => {
    const r = redactor({ dropKeys: ['internal-note', 'token'] });
    expect(
      r.event({
        internalNote: 'x',
        INTERNAL_NOTE: { a: 1 },
        internal_note: true,
        token: { type: 'id' },
        password: 'still dropped',
      }),
    ).toEqual({ token: { type: 'id' } });
  });

  it('`__proto__` stays data', () => {
    const input = JSON.parse('{"__proto__":{"polluted":"ada@example.com"}}') as JsonValue;
    const output = redactor().event(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(JSON.stringify(output)).toBe('{"__proto__":{"polluted":"a***@example.com"}}');
  });
});

describe('bounds', () => {
  it(`cuts strings longer than ${maxStringChars} characters before redacting, with a visible marker`, () => {
    const r = redactor();
    const long = 'ada@example.com '.repeat(10_000);
    const out = r.text(long);
    expect(out.length).toBeLessThanOrEqual(maxStringChars);
    expect(out).toMatch(/…\[truncated \d+ chars\]$/);
    expect(out).not.toContain('ada@');
    expect(r.text(out)).toBe(out);
    // The cut falls on a separator: no half address is kept.
    expect(out.replace(/…\[truncated \d+ chars\]$/, '')).toMatch(/(a\*\*\*@example\.com )+$/);
    expect(truncatedMarker(5)).toBe('…[truncated 5 chars]');
  });

  it(`replaces containers nested deeper than ${maxDepth} levels, iteratively (20,000 levels)`, () => {
    for (const wrap of [(inner: JsonValue) => ({ a: inner }), (inner: JsonValue) => [inner]]) {
      let value: JsonValue = 'leaf';
      for (let i = 0; i < 20_000; i++) value = wrap(value);
      const out = redactor().event(value);
      let depth = 0;
      let node: JsonValue = out;
      while (node !== null && typeof node === 'object') {
        depth++;
        node = Array.isArray(node) ? (node[0] as JsonValue) : (node.a as JsonValue);
      }
      expect(depth).toBe(maxDepth);
      expect(node).toBe(depthMarker);
    }
  });

  it(`stops after ${maxNodes} values with a marker`, () => {
    const wide = Array.from({ length: maxNodes + 10 }, (_, i) => i);
    const out = redactor().event({ wide }) as { wide: JsonValue[] };
    expect(out.wide.length).toBeLessThanOrEqual(maxNodes);
    expect(out.wide.at(-1)).toBe(nodesMarker);
    const object = Object.fromEntries(wide.map((i) => [`k${i}`, i]));
    expect(redactor().event(object)).toHaveProperty([truncatedKey], nodesMarker);
  });

  it('never throws, even on values that are not JSON (a cycle, undefined, a bigint)', () => {
    const cyclic: Record<string, unknown> = { email: 'ada@example.com' };
    cyclic.self = cyclic;
    const odd = { cyclic, nothing: undefined, big: 10n, fn: () => 1 } as unknown as JsonValue;
    expect(() => redactor().event(odd)).not.toThrow();
    expect(() => redactor().outcome(odd)).not.toThrow();
  });
});

describe('linear time, counted in scanning steps (no clock)', () => {
  // Runs of each character class after the characters that start a pattern: the shapes that made
  // the former regular expressions backtrack, and the ones that could make a scanner re-read.
  const units = [
    ['@. ', 'a'],
    ['a@', 'a.'],
    ['::', 'a:'],
    ['1', '1.'],
    ['token', '='],
    ['x', '%4'],
    ['eyJ', 'eyJa.'],
    ['', '@'],
    ['', '.'],
    ['', ':'],
    ['', '='],
    ['', '%'],
    ['', '%40'],
    ['', '0'],
    ['', 'f'],
    ['', 'a%40b.'],
    ['', 'password="'],
    ['', 'token:"a",'],
    ['', 'Bearer '],
    ['', 'Digest '],
    ['', 'https://a:'],
    ['', '-----BEGIN '],
    ['', '\\"@'],
    ['', '@['],
    ['', 'sk_live_'],
    ['', '1.2.3.4:'],
    ['', '[::1]'],
    ['', 'é'],
    ['', 'x@y.z.'],
    ['', 'a@b.cd@'],
    ['', 'ada@example.com '],
  ] as const;

  /**
   * Steps per character read. The string rules run in rounds until nothing changes (4 at most),
   * each over the text the last left, so the characters read are at most 4 times the input.
   */
  const stepsFor = (text: string, emails: 'mask' | 'hash') => {
    const meter = { steps: 0, rounds: 0, chars: 0 };
    createRedactor(redactionSchema.parse({ emails }), { meter }).text(text);
    expect(meter.rounds).toBeLessThanOrEqual(4);
    expect(meter.chars).toBeLessThanOrEqual(4 * Math.min(text.length, maxStringChars));
    return meter.steps / meter.chars;
  };

  it.each(units)('%s + %s repeated', (prefix, unit) => {
    for (const emails of ['mask', 'hash'] as const) {
      const make = (n: number) => prefix + unit.repeat(Math.ceil(n / unit.length));
      const small = stepsFor(make(15_000), emails);
      const large = stepsFor(make(30_000), emails);
      // Twice the input, not more work per character; and a small bound on that work.
      expect(large).toBeLessThanOrEqual(small * 1.1);
      expect(large).toBeLessThanOrEqual(16);
    }
  });

  it('a string past the cap costs no more than the cap', () => {
    const work = (text: string) => {
      const meter = { steps: 0 };
      createRedactor(redactionSchema.parse({}), { meter }).text(text);
      return meter.steps;
    };
    const capped = work('@. ' + 'a'.repeat(maxStringChars));
    expect(work('@. ' + 'a'.repeat(200_000))).toBeLessThanOrEqual(capped * 1.01);
  });
});
