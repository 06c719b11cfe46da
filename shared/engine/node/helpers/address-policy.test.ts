// The address policy alone: pure functions of text, so every spelling of an internal address can
// be tried here without a socket (fetch.test.ts drives the same refusals through real connections).

import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressPolicy, classifyAddress, classifyHostName, classifyUrl, ipFamily } from './address-policy';

describe('classifyAddress', () => {
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '[2a00:1450::1]',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '11.0.0.1',
    '169.253.255.255',
    '192.167.255.255',
  ])('allows public %s', (address) => {
    expect(classifyAddress(address)).toEqual({ allowed: true });
  });

  it.each([
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['10.0.0.1', /private/],
    ['10.255.255.255', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['255.255.255.255', /broadcast/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['240.0.0.1', /reserved/],
    ['192.0.2.1', /reserved/],
    ['198.51.100.1', /reserved/],
    ['203.0.113.10', /reserved/],
    ['198.18.0.1', /reserved/],
    ['192.0.0.170', /reserved/],
    ['::', /unspecified/],
    ['::1', /loopback/],
    ['[::1]', /loopback/],
    ['0:0:0:0:0:0:0:1', /loopback/],
    ['fe80::1', /link-local/],
    ['febf:ffff::1', /link-local/],
    ['fe80::1%eth0', /scoped/],
    ['fc00::1', /unique-local/],
    ['fd12:3456::1', /unique-local/],
    ['ff02::1', /multicast/],
    ['fec0::1', /site-local/],
    ['2001:db8::1', /reserved/],
    ['3fff::1', /reserved/],
    ['2001::1', /teredo/],
    ['100::1', /discard/],
    ['4000::1', /unallocated/],
    ['64:ff9b:1::a00:1', /local-use NAT64/],
    ['::ffff:127.0.0.1', /IPv4-mapped form of loopback address 127\.0\.0\.1/],
    ['::ffff:7f00:1', /IPv4-mapped form of loopback/],
    ['[::ffff:7f00:1]', /IPv4-mapped form of loopback/],
    ['::ffff:10.0.0.1', /IPv4-mapped form of private/],
    ['::ffff:169.254.169.254', /IPv4-mapped form of link-local/],
    ['::ffff:0.0.0.0', /IPv4-mapped form of unspecified/],
    ['::ffff:0:7f00:1', /IPv4-translated form of loopback/],
    ['::127.0.0.1', /IPv4-compatible form of address 127\.0\.0\.1/],
    ['::7f00:1', /IPv4-compatible/],
    ['::8.8.8.8', /IPv4-compatible/],
    ['64:ff9b::7f00:1', /NAT64 form of loopback/],
    ['64:ff9b::a00:1', /NAT64 form of private/],
    ['2002:7f00:1::1', /6to4 form of loopback/],
    ['2002:c0a8:101::1', /6to4 form of private/],
    ['2130706433', /loopback address 127\.0\.0\.1/],
    ['0177.0.0.1', /loopback/],
    ['0x7f.1', /loopback/],
    ['127.1', /loopback/],
    ['0x7f000001', /loopback/],
    ['017700000001', /loopback/],
    ['127.000.000.001', /loopback/],
    ['0xa.0.0.1', /private/],
    ['167772161', /private address 10\.0\.0\.1/],
    ['0xA9FEA9FE', /link-local address 169\.254\.169\.254/],
    ['localhost', /not an IP address/],
    ['example.com', /not an IP address/],
    ['', /not an IP address/],
    ['256.1.1.1', /not an IP address/],
    ['1.2.3.4.5', /not an IP address/],
    ['127.0.0.1.', /not an IP address/],
    [' 8.8.8.8', /not an IP address/],
    ['2606:4700::1111]/x', /not an IP address/],
    ['8.8.8.8:443', /not an IP address/],
  ])('refuses %j', (address, reason) => {
    const verdict = classifyAddress(address);
    expect(verdict.allowed).toBe(false);
    expect(verdict.reason).toMatch(reason);
  });
});

describe('classifyHostName', () => {
  it.each([
    'localhost',
    'LOCALHOST',
    'LocalHost.',
    'localhost..',
    'a.localhost',
    'deep.sub.LOCALHOST.',
    'localhost.localdomain',
    'LOCALHOST.LOCALDOMAIN.',
    'ip6-localhost',
    'IP6-LOOPBACK.',
    'localhost4',
    'localhost6.localdomain6',
    '%6cocalhost', // percent-encoded, as a caller of resolveCheckedAddresses might pass it
    'ｌｏｃａｌｈｏｓｔ', // full-width, mapped by UTS #46
    'ⓛocalhost',
    'loc\u00adalhost', // soft hyphen, mapped to nothing
    'localhost\u3002', // ideographic full stop as the trailing dot
    'xn--localhost-', // the punycode spelling of "localhost"
    'foo.xn--localhost-',
    '[localhost]',
  ])('refuses %j by name', (name) => {
    const verdict = classifyHostName(name);
    expect(verdict.allowed).toBe(false);
    expect(verdict.reason).toMatch(/local host name|malformed host name/);
  });

  it.each([
    'example.com',
    'api.test',
    'localhost.example.com', // an ordinary domain whose first label happens to be localhost
    'mylocalhost',
    'localhost-proxy.example',
    'notlocalhost',
    'xn--ocalhost-w8d', // ʟocalhost: a different name, left to DNS and the address check
    '127.0.0.1', // IP literals are classifyAddress's job
    '[::1]',
  ])('leaves %j to the resolver and the address check', (name) => {
    expect(classifyHostName(name)).toEqual({ allowed: true });
  });

  it('refuses a name with a malformed percent escape', () => {
    expect(classifyHostName('%E0%A4%Alocalhost')).toMatchObject({ allowed: false });
  });
});

describe('classifyUrl', () => {
  it.each([
    ['https://example.com/', 'https://example.com/'],
    ['https://8.8.8.8:8443/x?y=1', 'https://8.8.8.8:8443/x?y=1'],
    ['https://[2606:4700:4700::1111]/', 'https://[2606:4700:4700::1111]/'],
    ['HTTPS://Example.COM./a', 'https://example.com./a'],
  ])('allows %s', (raw, href) => {
    const verdict = classifyUrl(raw);
    expect(verdict.allowed).toBe(true);
    expect(verdict.allowed && verdict.url.href).toBe(href);
  });

  it.each([
    ['http://example.com/', /^only https URLs are allowed, not http:$/],
    ['wss://example.com/', /only https URLs/],
    ['file:///etc/passwd', /only https URLs/],
    ['https://user:pass@example.com/', /credentials in the URL/],
    ['https://:pass@example.com/', /credentials in the URL/],
    ['https://127.1/', /loopback address 127\.0\.0\.1/],
    ['https://0x7f000001/', /loopback/],
    ['https://[::ffff:7f00:1]/', /IPv4-mapped form of loopback/],
    ['https://[fe80::1]/', /link-local/],
    ['https://169.254.169.254/latest/meta-data/', /link-local/],
    ['https://LOCALHOST./', /local host name "localhost."/],
    ['https://%6c%6f%63%61%6c%68%6f%73%74/', /local host name/],
    ['not a url', /invalid URL "not a url"/],
    ['//example.com/', /invalid URL/],
  ])('refuses %s', (raw, reason) => {
    const verdict = classifyUrl(raw);
    expect(verdict.allowed).toBe(false);
    expect(!verdict.allowed && verdict.reason).toMatch(reason);
  });

  it('resolves a redirect Location against the current URL and checks the result', () => {
    const base = new URL('https://api.example/a/b');
    expect(classifyUrl('../c', classifyAddress, base)).toMatchObject({ allowed: true });
    expect(classifyUrl('//127.0.0.1/', classifyAddress, base)).toMatchObject({ allowed: false });
    expect(classifyUrl('http://api.example/', classifyAddress, base)).toMatchObject({ allowed: false });
  });

  it('uses the address check it is given for IP literals, and only for them', () => {
    const check = addressPolicy((address) => address === '127.0.0.2');
    expect(classifyUrl('https://127.0.0.2/', check)).toMatchObject({ allowed: true });
    expect(classifyUrl('https://127.0.0.1/', check)).toMatchObject({ allowed: false });
    expect(
      classifyUrl(
        'https://localhost/',
        addressPolicy(() => true),
      ),
    ).toMatchObject({ allowed: false });
  });
});

describe('addressPolicy', () => {
  it('lifts a refusal only for the addresses the test names, and never refuses what the policy allows', () => {
    const check = addressPolicy((address) => address === '127.0.0.2');
    expect(check('127.0.0.2')).toEqual({ allowed: true });
    expect(check('127.0.0.1')).toMatchObject({ allowed: false, reason: expect.stringMatching(/loopback/) });
    expect(check('8.8.8.8')).toEqual({ allowed: true });
    expect(addressPolicy()('127.0.0.2')).toMatchObject({ allowed: false });
  });
});

// ---- Properties

const ipv4Ranges: [number, number, number, number, number][] = [
  // first octets, prefix length: every address inside is refused
  [127, 0, 0, 0, 8],
  [10, 0, 0, 0, 8],
  [172, 16, 0, 0, 12],
  [192, 168, 0, 0, 16],
  [169, 254, 0, 0, 16],
  [100, 64, 0, 0, 10],
  [0, 0, 0, 0, 8],
  [224, 0, 0, 0, 4],
  [240, 0, 0, 0, 4],
  [198, 18, 0, 0, 15],
  [192, 0, 2, 0, 24],
];

const toUint = (octets: number[]): number => octets.reduce((n, octet) => n * 256 + octet, 0);
const octetsOf = (n: number): number[] => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const hex = (n: number): string => n.toString(16);

const refusedIPv4 = fc.record({ range: fc.constantFrom(...ipv4Ranges), host: fc.nat() }).map(({ range, host }) => {
  const size = 2 ** (32 - range[4]);
  return toUint(range.slice(0, 4)) + (host % size);
});

/** The same IPv4 address written every way a URL, a resolver or ipaddr.js might accept it. */
function ipv4Spellings(n: number, upper: boolean): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = octetsOf(n);
  const high = hex((a << 8) | b);
  const low = hex((c << 8) | d);
  const dotted = `${a}.${b}.${c}.${d}`;
  const forms = [
    dotted,
    String(n),
    `0x${hex(n)}`,
    `0${n.toString(8)}`,
    [a, b, c, d].map((o) => `0${o.toString(8)}`).join('.'),
    [a, b, c, d].map((o) => `0x${hex(o)}`).join('.'),
    `${a}.${b}.${(c << 8) | d}`,
    `${a}.${(b << 16) | (c << 8) | d}`,
    `::ffff:${dotted}`,
    `::ffff:${high}:${low}`,
    `0:0:0:0:0:ffff:${high}:${low}`,
    `0000:0000:0000:0000:0000:ffff:${high.padStart(4, '0')}:${low.padStart(4, '0')}`,
    `[::ffff:${high}:${low}]`,
    `::ffff:0:${high}:${low}`,
    `64:ff9b::${high}:${low}`,
    `64:ff9b::${dotted}`,
    `2002:${high}:${low}::1`,
    `::${dotted}`,
  ];
  return forms.map((form) => (upper ? form.toUpperCase() : form));
}

const refusedIPv6 = fc
  .record({
    prefix: fc.constantFrom(
      (r: number) => [0xfe80 | (r & 0x3f)], // link-local
      (r: number) => [0xfc00 | (r & 0x1ff)], // unique-local
      (r: number) => [0xff00 | (r & 0xff)], // multicast
      (r: number) => [0xfec0 | (r & 0x3f)], // site-local
      () => [0x2001, 0x0db8], // documentation
      (r: number) => [0x4000 | (r & 0x7fff)], // unallocated (4000::/2 and 8000::/2)
      () => [0, 0, 0, 0, 0, 0, 0], // ::/96 (unspecified, loopback, IPv4-compatible)
    ),
    random: fc.nat(0xffff),
    rest: fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }),
  })
  .map(({ prefix, random, rest }) => {
    const head = prefix(random);
    return [...head, ...rest.slice(head.length)];
  });

function ipv6Spellings(groups: number[], upper: boolean, padded: boolean): string[] {
  const expanded = groups.map((g) => (padded ? hex(g).padStart(4, '0') : hex(g))).join(':');
  const compressed = new URL(`https://[${expanded}]/`).hostname.slice(1, -1);
  const forms = [expanded, compressed, `[${expanded}]`, `[${compressed}]`];
  return forms.map((form) => (upper ? form.toUpperCase() : form));
}

/** Forms a WHATWG URL host accepts: the brackets IPv6 needs, none for IPv4. */
const asUrlHost = (form: string): string => (form.includes(':') && !form.startsWith('[') ? `[${form}]` : form);

describe('address policy properties', () => {
  it('every address of a refused IPv4 range is refused, however it is written, as an address and in a URL', () => {
    fc.assert(
      fc.property(refusedIPv4, fc.boolean(), (n, upper) => {
        for (const form of ipv4Spellings(n, upper)) {
          expect(classifyAddress(form), form).toMatchObject({ allowed: false });
          expect(classifyUrl(`https://${asUrlHost(form)}/`), form).toMatchObject({ allowed: false });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('every address of a refused IPv6 range is refused, however it is written, as an address and in a URL', () => {
    fc.assert(
      fc.property(refusedIPv6, fc.boolean(), fc.boolean(), (groups, upper, padded) => {
        for (const form of ipv6Spellings(groups, upper, padded)) {
          expect(classifyAddress(form), form).toMatchObject({ allowed: false });
          expect(classifyUrl(`https://${asUrlHost(form)}/`), form).toMatchObject({ allowed: false });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('any IPv4 address gets the same answer in every spelling that carries it (IPv4-compatible aside)', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.boolean(), (n, upper) => {
        const expected = classifyAddress(octetsOf(n).join('.')).allowed;
        for (const form of ipv4Spellings(n, upper).filter((f) => !/^::\d/.test(f))) {
          expect(classifyAddress(form).allowed, form).toBe(expected);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws, whatever it is given, and always explains a refusal', () => {
    const ipish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefxX.:[]%/@ ') });
    const input = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), ipish, fc.anything());
    fc.assert(
      fc.property(input, (value) => {
        const text = value as string;
        for (const verdict of [classifyAddress(text), classifyHostName(text), classifyUrl(text)]) {
          expect(typeof verdict.allowed).toBe('boolean');
          if (!verdict.allowed) expect(verdict.reason).toEqual(expect.any(String));
        }
        expect([0, 4, 6]).toContain(ipFamily(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('ipFamily reads strict IP notation exactly as node:net does', () => {
    const zone = fc.stringMatching(/^%[0-9a-zA-Z.:%-]{0,6}$/);
    const strictish = fc.oneof(
      fc.ipV4(),
      fc.ipV4Extended(),
      fc.ipV6(),
      fc.tuple(fc.ipV6(), zone).map(([address, id]) => address + id),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.%'), maxLength: 45 }),
      fc.string(),
    );
    fc.assert(
      fc.property(strictish, (text) => {
        expect(ipFamily(text), text).toBe(isIP(text));
      }),
      { numRuns: 5000 },
    );
    for (const text of ['1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6::1.2.3.4', '1.2.3.4::', ':::', '::']) {
      expect(ipFamily(text), text).toBe(isIP(text));
    }
  });
});
