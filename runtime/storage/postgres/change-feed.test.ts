import { describe, expect, it } from 'vitest';
import { changePayload, parseChange } from './change-feed';

// Anyone with access to the database can NOTIFY on the channel: only well-formed changes count.
describe('the change feed payloads', () => {
  it('reads back every change it sends', () => {
    for (const change of [
      { kind: 'activated', version: 3 },
      { kind: 'secrets' },
      { kind: 'rollout', id: 'ro_abc', revision: 2 },
    ] as const) {
      expect(parseChange(changePayload(change))).toEqual(change);
    }
  });

  it('ignores junk, other kinds and malformed rollouts', () => {
    for (const payload of [
      undefined,
      '',
      'not json',
      'null',
      '7',
      '"rollout"',
      '{"kind":"resync"}',
      '{"kind":"activated","version":0}',
      '{"kind":"activated","version":1.5}',
      '{"kind":"rollout","id":"ro_a"}',
      '{"kind":"rollout","id":"","revision":1}',
      '{"kind":"rollout","id":7,"revision":1}',
      '{"kind":"rollout","id":"ro_a","revision":"2"}',
      '{"kind":"rollout","id":"ro_a","revision":0}',
      `{"kind":"rollout","id":"${'x'.repeat(201)}","revision":1}`,
    ]) {
      expect(parseChange(payload)).toBeUndefined();
    }
    // Extra fields are dropped, not passed on.
    expect(parseChange('{"kind":"rollout","id":"ro_a","revision":1,"extra":true}')).toEqual({
      kind: 'rollout',
      id: 'ro_a',
      revision: 1,
    });
  });
});
