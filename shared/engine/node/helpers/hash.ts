// helpers.hash(algorithm, text): the digests docs/engine.md lists ("Helpers"), as lowercase hex.
//
// Only these three, by name, so that a script behaves the same wherever it runs: node:crypto
// would otherwise accept whatever the local OpenSSL build happens to provide.

import { createHash } from 'node:crypto';

export const hashAlgorithms = ['sha256', 'sha1', 'md5'] as const;
export type HashAlgorithm = (typeof hashAlgorithms)[number];

function isHashAlgorithm(value: string): value is HashAlgorithm {
  return (hashAlgorithms as readonly string[]).includes(value);
}

/**
 * The hex digest of `text` encoded as UTF-8. `algorithm` is matched case-insensitively
 * ('SHA256' works); anything but sha256, sha1 or md5 throws an Error starting `hash:`.
 */
export function hash(algorithm: string, text: string): string {
  if (typeof algorithm !== 'string' || typeof text !== 'string') {
    throw new Error('hash: algorithm and text must be strings');
  }
  const name = algorithm.toLowerCase();
  if (!isHashAlgorithm(name)) {
    throw new Error(`hash: unsupported algorithm "${algorithm}" (use one of: ${hashAlgorithms.join(', ')})`);
  }
  return createHash(name).update(text, 'utf8').digest('hex');
}
