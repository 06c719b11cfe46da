import { createHash } from 'node:crypto';
import { defaultLimits } from '../../limits';
import type { JsonObject, ScriptLimits, ScriptRunRequest } from '../../types';

// Request builders shared by the sandbox and pool tests.

export const sampleEvent: JsonObject = {
  user: { id: 'u1', email: 'ada@example.com', emailVerified: true, roles: ['admin'], tags: [] },
  provider: 'password',
  request: { ip: '203.0.113.7', userAgent: 'test' },
};

export interface RequestOptions {
  id?: string;
  event?: JsonObject;
  limits?: Partial<ScriptLimits>;
  env?: Record<string, string>;
  secretNames?: string[];
  data?: JsonObject;
}

export function scriptRequest(source: string, options: RequestOptions = {}): ScriptRunRequest {
  return {
    script: { id: options.id ?? 'script', source, contentHash: createHash('sha256').update(source).digest('hex') },
    hook: 'signup.before',
    event: options.event ?? structuredClone(sampleEvent),
    ctx: { hook: 'signup.before', data: options.data ?? {}, results: {}, env: options.env ?? { REGION: 'eu' } },
    limits: { ...defaultLimits, ...options.limits },
    secretNames: options.secretNames ?? [],
  };
}
