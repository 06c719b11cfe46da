import { createHash } from 'node:crypto';
import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../shared/engine';
import { redactionSchema } from '../config';
import { createRedactor, depthMarker, maxDepth, maxStringChars, type Redactor } from './redaction';

// Properties of the redaction policy (docs/runtime.md, "Redaction of captured events") over
// generated inputs: credentials under any spelling of their key or inside any text never survive,
// e-mail local parts and IP host bits never survive, the walk never throws and stays within its
// depth bound, redacting twice changes nothing, and the work is linear in the input.

const redactor = (overrides: Record<string, unknown> = {}) => createRedactor(redactionSchema.parse(overrides));
const policies = fc.record({
  emails: fc.constantFrom('mask', 'hash'),
  ips: fc.constantFrom('truncate', 'drop'),
});

const alnum = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'];
/** A random secret: 16–40 letters and digits, a digit included so that it is never a word of prose. */
const secret = fc.string({ unit: fc.constantFrom(...alnum), minLength: 16, maxLength: 40 }).map((value) => `${value}7`);
const base64url = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alnum, '-', '_'), minLength: min, maxLength: max });

/** Pieces of 8 characters: none of them may be left in the output. */
const traces = (value: string) =>
  Array.from({ length: Math.max(1, value.length - 7) }, (_, i) => value.slice(i, i + 8));
const expectNoTrace = (output: unknown, value: string) => {
  const json = typeof output === 'string' ? output : JSON.stringify(output);
  for (const piece of traces(value)) expect(json).not.toContain(piece);
};

// Key spellings ---------------------------------------------------------------------------------

const dropWords = [
  ['password'],
  ['passwd'],
  ['pwd'],
  ['passphrase'],
  ['secret'],
  ['api', 'key'],
  ['authorization'],
  ['cookie'],
  ['set', 'cookie'],
  ['otp'],
  ['totp'],
  ['pin'],
  ['ssn'],
  ['card', 'number'],
  ['cvv'],
  ['cvc'],
  ['credentials'],
  ['private', 'key'],
  ['client', 'secret'],
  ['access', 'token'],
  ['refresh', 'token'],
  ['id', 'token'],
  ['session', 'token'],
  ['session', 'id'],
  ['auth', 'token'],
  ['signature'],
  ['recovery', 'codes'],
  ['secret', 'key'],
];
const holderWords = [['token'], ['session'], ['auth'], ['card']];
const before = fc.constantFrom([], ['user'], ['new'], ['confirm'], ['x'], ['current'], ['old'], ['my', 'app']);
const after = fc.constantFrom([], ['confirmation'], ['value'], ['hash'], ['2'], ['raw']);

const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
const styles: Array<(words: string[]) => string> = [
  (w) => w.map((word, i) => (i === 0 ? word : capital(word))).join(''),
  (w) => w.map(capital).join(''),
  (w) => w.join('_'),
  (w) => w.join('-'),
  (w) => w.join('_').toUpperCase(),
  (w) => w.join('.'),
  (w) => w.join(' '),
  (w) => w.map(capital).join('-'),
];
const spelling = (words: fc.Arbitrary<string[]>, withAfter: boolean) =>
  fc
    .tuple(before, words, withAfter ? after : fc.constant([]), fc.constantFrom(...styles))
    .map(([b, w, a, style]) => style([...b, ...w, ...a]));

/** fast-check's JSON values, typed as the engine's (fast-check allows readonly arrays). */
const json = (maxDepth: number) => fc.jsonValue({ maxDepth }).map((value) => value as JsonValue);

/** Somewhere inside other JSON: at the top, in a nested object, in an object in an array. */
const plant = (key: string, value: JsonValue) =>
  fc
    .tuple(fc.dictionary(fc.string({ maxLength: 8 }), json(2), { maxKeys: 4 }), fc.nat(2))
    .map(([others, where]): JsonValue => {
      const holder = { ...others, [key]: value };
      return where === 0 ? holder : where === 1 ? { outer: { inner: holder } } : { list: [1, holder] };
    });

describe('credentials under a key', () => {
  it('any spelling of a credential word loses its value, whatever its type', () => {
    const values = fc
      .tuple(secret, fc.integer({ min: 1_000_000_000, max: 2 ** 31 - 1 }), fc.nat(3))
      .map(([s, n, shape]): { needle: string; value: JsonValue } =>
        shape === 0
          ? { needle: s, value: s }
          : shape === 1
            ? { needle: s, value: { value: s, nested: [s] } }
            : shape === 2
              ? { needle: s, value: [s, { s }] }
              : { needle: String(n), value: n },
      );
    const planted = fc
      .tuple(spelling(fc.constantFrom(...dropWords), true), values)
      .chain(([key, { needle, value }]) => plant(key, value).map((input) => ({ key, needle, input })));
    fc.assert(
      fc.property(planted, policies, ({ needle, input }, policy) => {
        expectNoTrace(redactor(policy).event(input), needle);
      }),
    );
  });

  it('a holder word (token, session, auth, card) loses scalars and the value inside its objects', () => {
    fc.assert(
      fc.property(spelling(fc.constantFrom(...holderWords), false), secret, fc.nat(3), (key, s, shape) => {
        const values: JsonValue[] = [s, [s, s], { value: s, type: 'access' }, { raw: s }];
        const output = redactor().event({ [key]: values[shape] as JsonValue, keep: 'visible' });
        expectNoTrace(output, s);
        expect(output).toHaveProperty('keep', 'visible');
      }),
    );
  });
});

// Credentials inside text -----------------------------------------------------------------------

const jwt = fc
  .tuple(base64url(10, 40), base64url(10, 60), base64url(16, 43))
  .map(([h, p, s]) => ({ needle: `${h}.eyJ${p}.${s}`, text: `eyJ${h}.eyJ${p}.${s}` }));
const schemeCredential = fc
  .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Token', 'Negotiate'), secret)
  .map(([scheme, s]) => ({ needle: s, text: `${scheme} ${s}` }));
const pairKeys = ['token', 'access_token', 'password', 'api_key', 'apikey', 'client_secret', 'refresh_token', 'secret'];
const queryCredential = fc
  .tuple(fc.constantFrom(...pairKeys, 'code'), secret, fc.constantFrom('?', '#', '?a=1&'))
  .map(([key, s, mark]) => ({ needle: s, text: `https://app.example.com/cb${mark}${key}=${s}&lang=en` }));
const prefixed = fc
  .tuple(
    fc.constantFrom(
      'sk_live_',
      'sk_test_',
      'rk_live_',
      'pk_live_',
      'ghp_',
      'gho_',
      'github_pat_',
      'xoxb-',
      'xoxp-',
      'AIza',
      'psrt_',
      'glpat-',
      'whsec_',
    ),
    fc.string({ unit: fc.constantFrom(...alnum), minLength: 36, maxLength: 40 }),
  )
  .map(([prefix, s]) => ({ needle: s, text: prefix + s }));
const aws = fc
  .string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), minLength: 16, maxLength: 16 })
  .map((s) => ({ needle: s, text: `AKIA${s}` }));
const header = fc
  .tuple(fc.constantFrom('Authorization', 'authorization', 'Cookie', 'X-Api-Key', 'Proxy-Authorization'), secret)
  .map(([name, s]) => ({ needle: s, text: `${name}: x ${s}` }));
const pem = secret.map((s) => ({
  needle: s,
  text: `-----BEGIN RSA PRIVATE KEY-----\n${s}\n${s}\n-----END RSA PRIVATE KEY-----`,
}));
const credentialInText = fc.oneof(jwt, schemeCredential, queryCredential, prefixed, aws, header, pem);
const separator = fc.constantFrom(' ', '\n', ', ', ' (', '; ', '\t', ' "', ' <');

describe('credentials inside text', () => {
  it('leave no trace, whatever surrounds them, and only they go', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        separator,
        credentialInText,
        separator,
        fc.string({ maxLength: 40 }),
        (head, left, credential, right, tail) => {
          const output = redactor().text(`${head}${left}${credential.text}${right}\n${tail}`);
          expectNoTrace(output, credential.needle);
          expect(output).toContain('[redacted]');
        },
      ),
    );
  });

  it('in a value under any key', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), credentialInText, (key, credential) => {
        expectNoTrace(redactor().event({ [key]: `see ${credential.text} now` }), credential.needle);
      }),
    );
  });
});

// E-mail addresses ------------------------------------------------------------------------------

const words = fc.array(fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), maxLength: 8 }), {
  maxLength: 4,
});
const decoded = (local: string) => {
  try {
    return decodeURIComponent(local);
  } catch {
    return local;
  }
};
const firstChar = (local: string) => String.fromCodePoint(local.codePointAt(0) ?? 42);
/** The hash of a local part as the runtime reads it: percent escapes decoded, lowercase. */
const hashed = (local: string) => `h_${createHash('sha256').update(local.toLowerCase()).digest('hex').slice(0, 12)}`;
const split = (email: string) => {
  const at = email.lastIndexOf('@');
  return { local: email.slice(0, at), domain: email.slice(at + 1) };
};

/**
 * The address masked exactly as expected, or, when its local part itself holds something a
 * credential rule takes (`pin=…@example.com` reads as a `pin` pair), redacted harder: then the
 * local part is gone all the same.
 */
const maskedOrHarder = (output: string, expected: string, local: string) => {
  if (output.includes('[redacted]') && !expected.includes('[redacted]')) expect(output).not.toContain(local);
  else expect(output).toBe(expected);
};

describe('e-mail addresses', () => {
  it('any address in text keeps its domain and loses its local part (mask and hash)', () => {
    fc.assert(
      fc.property(words, fc.emailAddress(), words, fc.boolean(), (head, email, tail, upper) => {
        const address = upper ? email.toUpperCase() : email;
        const { local, domain } = split(address);
        const text = [...head, address, ...tail].join(' ');
        const expected = (masked: string) => [...head, `${masked}@${domain}`, ...tail].join(' ');
        // A local part starting with a percent escape keeps that escape (`%41***`), see below.
        if (!/^%[0-9A-Fa-f]{2}/.test(local))
          maskedOrHarder(redactor().text(text), expected(`${firstChar(local)}***`), local);
        maskedOrHarder(redactor({ emails: 'hash' }).text(text), expected(hashed(decoded(local))), local);
      }),
    );
  });

  it('percent-encoded addresses (as in a query string) too, and hash like their plain form', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const { local, domain } = split(email);
        const encoded = encodeURIComponent(email);
        maskedOrHarder(
          redactor().text(`/verify?email=${encoded}&x=1`),
          `/verify?email=${encodeURIComponent(firstChar(local))}***%40${domain}&x=1`,
          encodeURIComponent(local),
        );
        maskedOrHarder(redactor({ emails: 'hash' }).text(encoded), `${hashed(local)}%40${domain}`, encoded);
        // Written encoded or not, an address hashes alike.
        maskedOrHarder(redactor({ emails: 'hash' }).text(email), `${hashed(decoded(local))}@${domain}`, local);
      }),
    );
  });

  it('internationalised addresses (non-ASCII local parts and domains)', () => {
    const letters = fc.constantFrom(...'äöüßéèñçøåłžšжщяλπ田中太郎例え日本');
    const label = fc.string({ unit: letters, minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        label,
        fc.array(label, { minLength: 1, maxLength: 2 }),
        fc.constantFrom('de', 'jp', 'рф'),
        (l, d, tld) => {
          const domain = [...d, tld].join('.');
          expect(redactor().text(`to ${l}@${domain}.`)).toBe(
            `to ${String.fromCodePoint(l.codePointAt(0) ?? 0)}***@${domain}.`,
          );
        },
      ),
    );
  });
});

// IP addresses ----------------------------------------------------------------------------------

const v4Network = (ip: string) => `${ip.split('.').slice(0, 3).map(Number).join('.')}.0`;
/** Node's own parser as the oracle: the original lies in the network the output names. */
const inNetwork = (original: string, network: string) => {
  const list = new BlockList();
  if (network.startsWith('::ffff:') && network.includes('.')) list.addSubnet(network, 120, 'ipv6');
  else list.addSubnet(network, 48, 'ipv6');
  return list.check(original, 'ipv6');
};
const port = fc.integer({ min: 1, max: 65535 });

describe('IP addresses', () => {
  it('any IPv4, alone, with a port or in a list, keeps its /24 only (or goes)', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), port, (a, b, p) => {
        expect(redactor().text(`client ${a}:${p}, via ${a}`)).toBe(`client ${v4Network(a)}:${p}, via ${v4Network(a)}`);
        expect(redactor().text(`${a}, ${b},${a}`)).toBe(`${v4Network(a)}, ${v4Network(b)},${v4Network(a)}`);
        expect(redactor({ ips: 'drop' }).text(`from ${a}:${p}`)).toBe(`from [redacted]:${p}`);
      }),
    );
  });

  // `::` (the unspecified address) is never a client and is left alone (docs/runtime.md).
  const v6 = fc.ipV6().filter((ip) => ip !== '::');

  it('any IPv6, alone, bracketed with a port or in a list, keeps its /48 only (or goes)', () => {
    fc.assert(
      fc.property(v6, port, (ip, p) => {
        const alone = redactor().text(ip);
        expect(inNetwork(ip, alone)).toBe(true);
        expect(alone.endsWith('::') || alone.startsWith('::ffff:')).toBe(true);
        expect(redactor().text(`[${ip}]:${p}, 203.0.113.9`)).toBe(`[${alone}]:${p}, 203.0.113.0`);
        expect(redactor({ ips: 'drop' }).event({ ip, list: `${ip}, ${ip}` })).toEqual({
          list: '[redacted], [redacted]',
        });
      }),
    );
  });
});

// The walk --------------------------------------------------------------------------------------

const depthOf = (value: JsonValue): number => {
  let deepest = 0;
  const stack: Array<[JsonValue, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [JsonValue, number];
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
};

describe('the walk', () => {
  it(`never throws and never nests deeper than ${maxDepth}, down to 20,000 levels`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.array(fc.constantFrom('object', 'array', 'password', 'token'), { minLength: 1, maxLength: 8 }),
        json(2),
        (depth, pattern, leaf) => {
          let value: JsonValue = leaf;
          for (let i = 0; i < depth; i++) {
            const kind = pattern[i % pattern.length];
            value = kind === 'array' ? [value] : kind === 'object' ? { a: value } : { [kind as string]: value, b: 1 };
          }
          const output = redactor().event(value);
          expect(depthOf(output)).toBeLessThanOrEqual(maxDepth);
          if (depth > maxDepth + 2 && pattern.every((kind) => kind === 'object' || kind === 'array')) {
            expect(JSON.stringify(output)).toContain(depthMarker);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('never throws on anything, JSON or not', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withNullPrototype: true }), policies, (value, policy) => {
        const r = redactor(policy);
        expect(() => r.event(value as JsonValue)).not.toThrow();
        expect(() => r.outcome(value as JsonValue)).not.toThrow();
      }),
    );
  });
});

// Idempotence and linearity ---------------------------------------------------------------------

/** Strings made of the pieces the scanners react to, glued in any order. */
const nasty = fc
  .array(
    fc.oneof(
      fc.emailAddress(),
      fc.ipV4(),
      fc.ipV6(),
      credentialInText.map((c) => c.text),
      fc.constantFrom('@', '.', ':', '=', '%40', '%3D', '"', "'", '\\', ' ', '\n', '#', '?', '&', '[', ']', '/'),
      fc.constantFrom('token', 'password', 'Bearer ', 'eyJ', 'https://', 'mailto:', 'a***', '[redacted]', 'sk_live_'),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 24 },
  )
  .map((parts) => parts.join(''));

const twice = (r: Redactor, value: JsonValue) => {
  const once = r.event(value);
  expect(r.event(once)).toEqual(once);
};

describe('redaction is idempotent', () => {
  it('on text', () => {
    fc.assert(
      fc.property(nasty, policies, (text, policy) => {
        const r = redactor(policy);
        const once = r.text(text);
        expect(r.text(once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('on events and outcomes', () => {
    const value = json(3);
    const withNasty = fc.dictionary(
      fc.oneof(fc.string({ maxLength: 6 }), fc.emailAddress(), fc.ipV4()),
      fc.oneof(nasty, value),
      {
        maxKeys: 6,
      },
    );
    fc.assert(
      fc.property(fc.oneof(value, withNasty), policies, (input, policy) => {
        const r = redactor(policy);
        twice(r, input as JsonValue);
        const outcome = r.outcome(input as JsonValue);
        expect(r.outcome(outcome)).toEqual(outcome);
      }),
      { numRuns: 200 },
    );
  });
});

describe('redaction work is linear', () => {
  // The string rules run in rounds until nothing changes (4 at most), each over the text the last
  // one left: linear means a bounded number of steps per character a round reads.
  it('scanning takes at most 16 steps per character read, and reads at most 4 times the input', () => {
    fc.assert(
      fc.property(
        nasty.filter((text) => text.length > 0),
        fc.integer({ min: 50, max: 400 }),
        policies,
        (unit, times, policy) => {
          const perChar = (text: string) => {
            const meter = { steps: 0, rounds: 0, chars: 0 };
            createRedactor(redactionSchema.parse(policy), { meter }).text(text);
            expect(meter.rounds).toBeLessThanOrEqual(4);
            expect(meter.chars).toBeLessThanOrEqual(4 * Math.min(text.length, maxStringChars));
            expect(meter.steps).toBeLessThanOrEqual(16 * meter.chars + 64);
            return meter.steps / meter.chars;
          };
          const once = unit.repeat(times);
          // Twice the input: not more work per character.
          expect(perChar(once + once)).toBeLessThanOrEqual(perChar(once) * 1.1 + 0.5);
        },
      ),
      { numRuns: 60 },
    );
  });
});
