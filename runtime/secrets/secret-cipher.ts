import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedSecret } from '../storage/types';

// Secret values at rest: AES-256-GCM, a random 96-bit IV per value (never reused with one key:
// 2^32 values per key stays far below the birthday bound), the 128-bit tag, and the secret's name
// as additional authenticated data, so that a sealed value moved to another name's row (by someone
// with write access to the file) fails to open instead of being served under the wrong name.

const aadPrefix = 'pipeline-runtime/secret/v1:';
/** A known value sealed at first start: a wrong key is then reported as such, not as a damaged value. */
const keyCheckName = '\u0000key-check';
const keyCheckValue = 'pipeline-runtime key check';

export class SecretKeyMismatchError extends Error {
  override name = 'SecretKeyMismatchError';
}

export class SecretCipher {
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new Error(`the secrets key must be 32 bytes, got ${key.length}`);
    this.key = Buffer.from(key);
  }

  seal(name: string, value: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aadPrefix + name, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return { iv, tag: cipher.getAuthTag(), ciphertext };
  }

  /** Throws when the value was not sealed under this key and this name, or was altered. */
  open(name: string, sealed: SealedSecret): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv));
    decipher.setAAD(Buffer.from(aadPrefix + name, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext)), decipher.final()]).toString('utf8');
  }

  /** The key check value to store at first start (JSON). */
  keyCheck(): string {
    return encodeSealed(this.seal(keyCheckName, keyCheckValue));
  }

  /** Throws SecretKeyMismatchError when `stored` was sealed under another key. */
  verifyKeyCheck(stored: string): void {
    let opened: string | undefined;
    try {
      opened = this.open(keyCheckName, decodeSealed(stored));
    } catch {
      opened = undefined;
    }
    if (opened !== keyCheckValue) {
      throw new SecretKeyMismatchError(
        "the secrets key is not the one this runtime's secrets were sealed with " +
          '(check PIPELINE_RUNTIME_KEY / --key-file / <data>/runtime.key)',
      );
    }
  }
}

function encodeSealed(sealed: SealedSecret): string {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return JSON.stringify({ iv: b64(sealed.iv), tag: b64(sealed.tag), ciphertext: b64(sealed.ciphertext) });
}

function decodeSealed(text: string): SealedSecret {
  const parsed = JSON.parse(text) as { iv: string; tag: string; ciphertext: string };
  return {
    iv: Buffer.from(parsed.iv, 'base64'),
    tag: Buffer.from(parsed.tag, 'base64'),
    ciphertext: Buffer.from(parsed.ciphertext, 'base64'),
  };
}
