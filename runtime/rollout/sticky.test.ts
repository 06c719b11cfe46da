import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/engine';
import { inCandidateShare, maxStickyKeyChars, shareBucket, stickyValue } from './sticky';

const event = (json: string) => JSON.parse(json) as JsonObject;

describe('stickyValue', () => {
  it('reads the chosen field first, then the others in the order of stickyKeys', () => {
    const full = event('{"user":{"id":"u1","email":"a@example.com"},"request":{"ip":"203.0.113.9"}}');
    expect(stickyValue(full, 'user.id')).toBe('u1');
    expect(stickyValue(full, 'user.email')).toBe('a@example.com');
    expect(stickyValue(full, 'request.ip')).toBe('203.0.113.9');
    expect(stickyValue(event('{"user":{"email":"a@example.com"},"request":{"ip":"1"}}'), 'user.id')).toBe(
      'a@example.com',
    );
    expect(stickyValue(event('{"user":{"id":"u1"},"request":{}}'), 'request.ip')).toBe('u1');
    expect(stickyValue(event('{"user":{"id":"u1","email":"e"}}'), 'request.ip')).toBe('u1');
    expect(stickyValue(event('{"request":{"ip":"10.0.0.1"}}'), 'user.email')).toBe('10.0.0.1');
  });

  it('takes finite numbers as their decimal text and skips empty strings and other values', () => {
    expect(stickyValue(event('{"user":{"id":42}}'), 'user.id')).toBe('42');
    expect(stickyValue(event('{"user":{"id":-0.5}}'), 'user.id')).toBe('-0.5');
    expect(stickyValue(event('{"user":{"id":"","email":"e@x"}}'), 'user.id')).toBe('e@x');
    expect(stickyValue(event('{"user":{"id":true,"email":null},"request":{"ip":["1"]}}'), 'user.id')).toBe(undefined);
    expect(stickyValue(event('{"user":{"id":{"id":"deeper"}}}'), 'user.id')).toBe(undefined);
    expect(stickyValue(event('{"user":"u1","request":[{"ip":"1"}]}'), 'user.id')).toBe(undefined);
    expect(stickyValue(event('{}'), 'user.id')).toBe(undefined);
  });

  it('reads only own fields, so a prototype-shaped event finds nothing', () => {
    expect(stickyValue(event('{"__proto__":{"id":"x"},"constructor":{"email":"y"}}'), 'user.id')).toBe(undefined);
    expect(stickyValue(event('{"user":{"__proto__":{"id":"x"}}}'), 'user.id')).toBe(undefined);
  });

  it('cuts a huge key to its first 1 KB', () => {
    const huge = 'k'.repeat(10 * maxStickyKeyChars);
    const key = stickyValue(event(JSON.stringify({ user: { id: huge } })), 'user.id');
    expect(key).toBe('k'.repeat(maxStickyKeyChars));
  });
});

describe('inCandidateShare', () => {
  it('keeps the buckets of a known hash, so that instances of every version agree', () => {
    // Pinned: SHA-256 of `ro_test\0alice`, its first 48 bits modulo 10,000. A change here would
    // move users between versions while instances of the old and new code share a rollout.
    expect(shareBucket('ro_test', 'alice')).toBe(5200);
    expect(shareBucket('ro_test', 'bob')).toBe(7080);
    expect(shareBucket('ro_other', 'alice')).toBe(6363);
    expect(inCandidateShare('ro_test', 'alice', 52)).toBe(false);
    expect(inCandidateShare('ro_test', 'alice', 52.01)).toBe(true);
  });

  it('gives everyone the candidate at 100 and nobody at 0 or a percent that is not a number', () => {
    for (const key of ['a', 'b', 'c', '', 'x'.repeat(5000)]) {
      expect(inCandidateShare('ro_1', key, 100)).toBe(true);
      expect(inCandidateShare('ro_1', key, 0)).toBe(false);
      expect(inCandidateShare('ro_1', key, Number.NaN)).toBe(false);
      expect(inCandidateShare('ro_1', key, -5)).toBe(false);
    }
  });

  it('hashes only the first 1 KB of a key', () => {
    const base = 'z'.repeat(maxStickyKeyChars);
    expect(shareBucket('ro_1', `${base}tail-one`)).toBe(shareBucket('ro_1', base));
    expect(shareBucket('ro_1', `${base}tail-two`)).toBe(shareBucket('ro_1', `${base}tail-one`));
  });

  it('separates the rollout id from the key, so ids and keys cannot slide into each other', () => {
    expect(shareBucket('ro_a', 'bc')).not.toBe(shareBucket('ro_ab', 'c'));
  });
});
