import { createHash } from 'node:crypto';
import { isPlainObject, type JsonObject, type JsonValue } from '../../shared/engine';
import { stickyKeys, type StickyKey } from './rollout-types';

// Which version decides for an event in a canary (docs/runtime.md, "Rollouts"): the share is
// decided per sticky key (a user id, else an e-mail, else the client's address), so that one user
// keeps getting the same version for as long as the rollout runs, and the share over many users
// is close to the rollout's percent.
//
// The hash is SHA-256. Measured per key: about 2.5 µs for short keys and 3 µs at 1 KB, where a
// FNV-1a in JS takes 0.1–0.2 µs and 2–3 µs. Both are nothing next to a pipeline run, which it
// precedes once, and unlike FNV its low digits are uniform for keys that differ only in their last
// characters (sequential user ids), which a bucket taken modulo 10,000 depends on.

/** Longer keys are cut: hashing stays linear in at most this many characters of hostile input. */
export const maxStickyKeyChars = 1024;

/** Buckets of the share: 0.01 point each, so a percent with two decimals is exact. */
export const shareBuckets = 10_000;

/**
 * The event's sticky key: the field `stickyBy` names, else the first other field of `stickyKeys`
 * that holds a non-empty string or a finite number (as its decimal text); undefined when none
 * does. Only the two named path segments are read, each as the object's own property.
 */
export function stickyValue(event: JsonObject, stickyBy: StickyKey): string | undefined {
  const order = [stickyBy, ...stickyKeys.filter((key) => key !== stickyBy)];
  for (const key of order) {
    const value = keyText(readPath(event, key));
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Whether the candidate decides for this key: `${rolloutId}\0${key}` hashed to a bucket
 * 0..9999, candidate iff the bucket is below percent × 100 (rounded to a whole bucket). The bucket does not depend on the
 * percent, so raising the share keeps everyone who already had the candidate.
 */
export function inCandidateShare(rolloutId: string, key: string, percent: number): boolean {
  if (!(percent > 0)) return false;
  // Rounded so that a percent with two decimals is exact (0.57 × 100 is 57.00000000000001 in
  // binary floating point); rounding keeps the rule monotone in the percent.
  return shareBucket(rolloutId, key) < Math.round(percent * 100);
}

/** The bucket 0..9999 of a key in a rollout. */
export function shareBucket(rolloutId: string, key: string): number {
  const capped = key.length > maxStickyKeyChars ? key.slice(0, maxStickyKeyChars) : key;
  const digest = createHash('sha256').update(`${rolloutId}\0${capped}`).digest();
  // 48 bits modulo 10,000: the bias of the modulo is below one in 10^10.
  return digest.readUIntBE(0, 6) % shareBuckets;
}

function readPath(event: JsonObject, key: StickyKey): JsonValue | undefined {
  const [outer, inner] = key.split('.') as [string, string];
  const parent = ownField(event, outer);
  return isPlainObject(parent) ? ownField(parent, inner) : undefined;
}

function ownField(object: JsonObject, name: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(object, name) ? object[name] : undefined;
}

function keyText(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string') {
    if (value === '') return undefined;
    return value.length > maxStickyKeyChars ? value.slice(0, maxStickyKeyChars) : value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
