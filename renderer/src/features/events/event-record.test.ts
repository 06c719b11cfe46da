import { describe, expect, it } from 'vitest';
import {
  newEventId,
  newRecord,
  normalizeTags,
  outcomeSummary,
  parseRecord,
  recordOf,
  type StoredEvent,
} from './event-record';

const stored: StoredEvent = {
  id: 'evt_1',
  hook: 'signup.before',
  source: 'staging',
  pinned: true,
  tags: ['smoke'],
  importedAt: '2026-11-20T10:00:00.000Z',
  event: { user: { email: 'a@mailinator.com' } },
  outcome: { allow: false, reason: 'disposable email' },
};

describe('recorded events', () => {
  it('makes ids with the evt_ prefix from random bytes', () => {
    expect(newEventId((count) => new Array<number>(count).fill(35))).toBe('evt_zzzzzzzzzzzz');
    expect(newEventId()).toMatch(/^evt_[0-9a-z]{12}$/);
    expect(newEventId()).not.toBe(newEventId());
  });

  it('gives the recorded event of a library entry, without the library fields', () => {
    expect(recordOf(stored)).toEqual({
      id: 'evt_1',
      hook: 'signup.before',
      source: 'staging',
      event: { user: { email: 'a@mailinator.com' } },
      outcome: { allow: false, reason: 'disposable email' },
    });
    expect(Object.keys(recordOf({ ...stored, source: undefined, outcome: undefined }))).toEqual([
      'id',
      'hook',
      'event',
    ]);
  });

  it('prefills a new event from a sample', () => {
    expect(newRecord('token.enrich', { claims: {} }, 'evt_x', new Date('2026-01-02T03:04:05Z'))).toEqual({
      id: 'evt_x',
      hook: 'token.enrich',
      at: '2026-01-02T03:04:05.000Z',
      source: 'studio',
      event: { claims: {} },
    });
  });

  it('parses the editor text, saying what is wrong', () => {
    expect(parseRecord('{"id":"a"}')).toEqual({ ok: true, record: { id: 'a' } });
    const broken = parseRecord('{"id":');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.message).toMatch(/^Not valid JSON: /);
    expect(parseRecord('[1]')).toEqual({ ok: false, message: expect.stringContaining('JSON object') });
  });

  it('summarizes recorded outcomes', () => {
    expect(outcomeSummary({ allow: true })).toEqual({ kind: 'allow', text: 'allow' });
    expect(outcomeSummary({ allow: false, reason: 'risky ip' })).toEqual({ kind: 'deny', text: 'deny "risky ip"' });
    expect(outcomeSummary({ allow: false })).toEqual({ kind: 'deny', text: 'deny' });
    expect(outcomeSummary({ data: { claims: {} } })).toEqual({ kind: 'data', text: 'data' });
    expect(outcomeSummary({ error: { code: 'TIMEOUT' } })).toEqual({ kind: 'error', text: 'error TIMEOUT' });
    expect(outcomeSummary(undefined)).toEqual({ kind: 'none', text: '—' });
  });

  it('normalizes typed tags', () => {
    expect(normalizeTags([' smoke, eu ', 'eu', '', 'regression'])).toEqual(['smoke', 'eu', 'regression']);
    expect(normalizeTags(['x'.repeat(120)])[0]).toHaveLength(100);
    expect(normalizeTags(Array.from({ length: 30 }, (_, i) => `t${i}`))).toHaveLength(20);
  });
});
