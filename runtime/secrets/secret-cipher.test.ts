import { describe, expect, it } from 'vitest';
import { SecretCipher, SecretKeyMismatchError } from './secret-cipher';

const key = Buffer.alloc(32, 1);

describe('SecretCipher (AES-256-GCM)', () => {
  it('seals with a fresh 96-bit IV each time and opens under the same name', () => {
    const cipher = new SecretCipher(key);
    const a = cipher.seal('API_KEY', 'value-1');
    const b = cipher.seal('API_KEY', 'value-1');
    expect(a.iv).toHaveLength(12);
    expect(a.tag).toHaveLength(16);
    expect(Buffer.from(a.iv).equals(Buffer.from(b.iv))).toBe(false);
    expect(Buffer.from(a.ciphertext).includes(Buffer.from('value'))).toBe(false);
    expect(cipher.open('API_KEY', a)).toBe('value-1');
  });

  it('refuses a value moved to another name, altered, or sealed under another key', () => {
    const cipher = new SecretCipher(key);
    const sealed = cipher.seal('API_KEY', 'value');
    expect(() => cipher.open('OTHER_KEY', sealed)).toThrow();
    const altered = {
      ...sealed,
      ciphertext: Buffer.from(sealed.ciphertext).map((byte, i) => (i === 0 ? byte ^ 1 : byte)),
    };
    expect(() => cipher.open('API_KEY', altered)).toThrow();
    expect(() => new SecretCipher(Buffer.alloc(32, 2)).open('API_KEY', sealed)).toThrow();
    expect(() => new SecretCipher(Buffer.alloc(16))).toThrow(/32 bytes/);
  });

  it('tells a wrong key apart with its key check value', () => {
    const check = new SecretCipher(key).keyCheck();
    expect(() => new SecretCipher(key).verifyKeyCheck(check)).not.toThrow();
    expect(() => new SecretCipher(Buffer.alloc(32, 2)).verifyKeyCheck(check)).toThrow(SecretKeyMismatchError);
  });
});
