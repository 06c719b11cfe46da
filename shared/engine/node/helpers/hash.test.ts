import { describe, expect, it } from 'vitest';
import { hash } from './hash';

describe('hash', () => {
  // Vectors from FIPS 180 / RFC 1321 test suites, plus UTF-8 ones from `printf 'é' | sha256sum` (sha1sum, md5sum).
  it.each([
    ['sha256', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['sha256', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'sha256',
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    ['sha1', '', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['sha1', 'abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['md5', '', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['md5', 'abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['md5', 'The quick brown fox jumps over the lazy dog', '9e107d9d372bb6826bd81d3542a419d6'],
    ['sha256', 'é', '4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c'],
    ['sha1', 'é', 'bf15be717ac1b080b4f1c456692825891ff5073d'],
    ['md5', 'é', '66ddcd97cfdeabb2f6fb8a999b4bc76f'],
  ])('%s(%j) = %s', (algorithm, text, expected) => {
    expect(hash(algorithm, text)).toBe(expected);
  });

  it('accepts algorithm names in any case and returns lowercase hex', () => {
    expect(hash('SHA256', 'abc')).toBe(hash('sha256', 'abc'));
    expect(hash('Md5', 'abc')).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each(['sha512', 'sha-256', 'sha3-256', 'ripemd160', '', 'md4'])('refuses %j', (algorithm) => {
    expect(() => hash(algorithm, 'abc')).toThrow(/^hash: unsupported algorithm/);
  });

  it('refuses non-string arguments', () => {
    expect(() => hash('sha256', 42 as unknown as string)).toThrow(/^hash: algorithm and text must be strings/);
    expect(() => hash(null as unknown as string, 'abc')).toThrow(/^hash: algorithm and text must be strings/);
  });
});
