import { describe, expect, it } from 'vitest';
import { getHook, hookDefinitions, hookIds, hookJsonSchema, lifecycleGroups, modeOf, validateEvent } from './index';

describe('hook definitions', () => {
  it('defines the 16 hooks of the contract, each once, in a known lifecycle group', () => {
    expect(hookDefinitions).toHaveLength(16);
    expect(new Set(hookDefinitions.map((h) => h.id)).size).toBe(16);
    const groups = new Set(lifecycleGroups.map((g) => g.id));
    for (const hook of hookDefinitions) expect(groups.has(hook.group)).toBe(true);
  });

  it('derives the mode from the suffix', () => {
    expect(modeOf('signup.before')).toBe('blocking');
    expect(modeOf('token.enrich')).toBe('enrichment');
    expect(modeOf('user-delete.after')).toBe('async');
    expect(hookDefinitions.filter((h) => h.mode === 'blocking').map((h) => h.id)).toEqual([
      'signup.before',
      'signin.before',
      'account-link.before',
      'password-reset.before',
      'email-change.before',
      'user-delete.before',
    ]);
  });

  it.each(hookIds)('the sample payload of %s satisfies its schema', (id) => {
    const result = validateEvent(id, getHook(id).sample);
    expect(result).toMatchObject({ ok: true });
  });
});

describe('validateEvent', () => {
  it('keeps unknown fields, also nested ones', () => {
    const result = validateEvent('signup.before', {
      request: { ip: '198.51.100.4', tlsVersion: '1.3' },
      user: { email: 'a@example.com', locale: 'nl' },
      provider: 'email',
      riskScore: 12,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event.riskScore).toBe(12);
    expect(result.event.request).toEqual({ ip: '198.51.100.4', tlsVersion: '1.3' });
    expect(result.event.user).toEqual({ email: 'a@example.com', locale: 'nl' });
  });

  it('names the path of a missing required field', () => {
    const result = validateEvent('signup.before', { request: { ip: '198.51.100.4' }, user: {}, provider: 'email' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([{ path: 'user.email', message: 'required field is missing' }]);
    expect(result.message).toBe('INVALID_EVENT: user.email: required field is missing');
  });

  it('reports every problem, including a wrong enum value and a missing request', () => {
    const result = validateEvent('signin.before', { user: { email: 'a@example.com' }, method: 'carrier-pigeon' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path).sort()).toEqual(['method', 'request']);
  });

  it('refuses a payload that is not an object', () => {
    const result = validateEvent('signout.after', 'nope');
    expect(result.ok).toBe(false);
  });
});

describe('hookJsonSchema', () => {
  it('exports each payload as JSON Schema with its fields and required list', () => {
    const schema = hookJsonSchema('token.enrich') as {
      type: string;
      required: string[];
      properties: Record<string, { properties?: Record<string, unknown> }>;
    };
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(expect.arrayContaining(['request', 'user', 'token', 'claims']));
    expect(Object.keys(schema.properties.token?.properties ?? {})).toEqual(['type', 'audience', 'scopes']);
  });
});
