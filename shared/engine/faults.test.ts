import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  describeFaults,
  faultsSchema,
  fetchFaultFor,
  hasFaults,
  parseFaultFlags,
  whatIfLabel,
  type Faults,
} from './faults';

describe('parseFaultFlags', () => {
  test('reads every kind of --fault', () => {
    const parsed = parseFaultFlags([
      'fetch=error',
      'fetch=timeout@API.Example.com.',
      'fetch=503@127.0.0.1',
      'secret=TOKEN',
      'secret=TOKEN',
      'script=risk-score:timeout',
      'script=geo:error',
    ]);
    expect(parsed).toEqual({
      ok: true,
      faults: {
        fetch: [
          { fault: 'error' },
          { fault: 'timeout', host: 'api.example.com' },
          { fault: { status: 503 }, host: '127.0.0.1' },
        ],
        secrets: ['TOKEN'],
        scripts: { 'risk-score': 'timeout', geo: 'error' },
      },
    });
  });

  test('no flags, no faults', () => {
    const parsed = parseFaultFlags([]);
    expect(parsed).toEqual({ ok: true, faults: {} });
    expect(hasFaults(parsed.ok ? parsed.faults : undefined)).toBe(false);
  });

  test.each([
    ['fetch', /fetch=error/],
    ['fetch=404x', /STATUS/],
    ['fetch=99', /STATUS/],
    ['fetch=600', /STATUS/],
    ['fetch=error@https://api.example.com/x', /host name/],
    ['fetch=error@a b', /host name/],
    ['secret=lower', /secret name/],
    ['secret=', /secret name/],
    ['script=risk', /script=ID:timeout/],
    ['script=risk:slow', /script=ID:timeout/],
    ['script=__proto__:error', /script=ID:timeout/],
    ['network=down', /expected fetch=/],
  ])('refuses %s, naming it', (flag, message) => {
    const parsed = parseFaultFlags([flag]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.message).toMatch(message);
      expect(parsed.message).toContain(JSON.stringify(flag));
    }
  });

  test('refuses the same host or script twice', () => {
    expect(parseFaultFlags(['fetch=error', 'fetch=500'])).toMatchObject({ ok: false });
    expect(parseFaultFlags(['fetch=error@a.com', 'fetch=500@A.com'])).toMatchObject({ ok: false });
    expect(parseFaultFlags(['script=a:error', 'script=a:timeout'])).toMatchObject({ ok: false });
  });
});

const hostArb = fc.constantFrom('api.example.com', '127.0.0.1', 'x.test', 'a-b.c');
const faultsArb: fc.Arbitrary<Faults> = fc
  .record({
    fetch: fc.uniqueArray(
      fc.record({
        fault: fc.oneof(
          fc.constantFrom<'error' | 'timeout'>('error', 'timeout'),
          fc.integer({ min: 200, max: 599 }).map((status) => ({ status })),
        ),
        host: fc.option(hostArb, { nil: undefined }),
      }),
      { selector: (fault) => fault.host ?? '', maxLength: 4 },
    ),
    secrets: fc.uniqueArray(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/), { maxLength: 3 }),
    scripts: fc.dictionary(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,10}$/), fc.constantFrom('timeout', 'error'), {
      maxKeys: 3,
    }),
  })
  .map(({ fetch, secrets, scripts }) => {
    const faults: Faults = {};
    const hosts = fetch.map(({ fault, host }) => (host === undefined ? { fault } : { fault, host }));
    if (hosts.length > 0) faults.fetch = hosts;
    if (secrets.length > 0) faults.secrets = secrets;
    if (Object.keys(scripts).length > 0) faults.scripts = scripts as Faults['scripts'];
    return faults;
  });

describe('describeFaults and the schema', () => {
  test('the description parses back to the same faults, which the schema accepts', () => {
    fc.assert(
      fc.property(faultsArb, (faults) => {
        const flags = describeFaults(faults).split(', ').filter(Boolean);
        expect(parseFaultFlags(flags)).toEqual({ ok: true, faults });
        expect(faultsSchema.safeParse(faults).success).toBe(true);
      }),
    );
  });

  test('the schema refuses what the parser would not make', () => {
    for (const bad of [
      { fetch: [{ fault: 'down' }] },
      { fetch: [{ fault: { status: 700 } }] },
      { fetch: [{ fault: 'error', host: 'https://x' }] },
      { secrets: ['lower'] },
      { scripts: { 'bad id': 'error' } },
      { scripts: { ok: 'slow' } },
      { other: true },
    ]) {
      expect(faultsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  test("a run's label names its faults, within 200 characters", () => {
    expect(whatIfLabel({ fetch: [{ fault: { status: 500 }, host: 'api.example.com' }], secrets: ['TOKEN'] })).toBe(
      'what-if: fetch=500@api.example.com, secret=TOKEN',
    );
    const many: Faults = { secrets: Array.from({ length: 40 }, (_, i) => `SECRET_NUMBER_${i}`) };
    expect(whatIfLabel(many)).toHaveLength(200);
  });
});

describe('fetchFaultFor', () => {
  const faults: Faults = { fetch: [{ fault: 'error' }, { fault: { status: 502 }, host: 'api.example.com' }] };
  test('a fault naming the host wins; otherwise the general one; none without faults', () => {
    expect(fetchFaultFor(faults, 'API.example.com.')?.fault).toEqual({ status: 502 });
    expect(fetchFaultFor(faults, 'other.com')?.fault).toBe('error');
    expect(fetchFaultFor({ fetch: [{ fault: 'error', host: 'a.com' }] }, 'b.com')).toBeUndefined();
    expect(fetchFaultFor(undefined, 'a.com')).toBeUndefined();
  });
});
