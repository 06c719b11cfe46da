import { z } from 'zod';
import { payloadSchemas } from './payload-schemas';
import { hookIds, type HookId } from './hook-ids';
import { samplePayloads } from './samples';

export { hookIds, type HookId } from './hook-ids';
export const hookIdSchema = z.enum(hookIds);

/** The suffix of a hook id sets its mode. */
export type HookMode = 'blocking' | 'enrichment' | 'async';
export const hookModes = ['blocking', 'enrichment', 'async'] as const satisfies readonly HookMode[];

export function modeOf(id: HookId): HookMode {
  if (id.endsWith('.before')) return 'blocking';
  if (id.endsWith('.enrich')) return 'enrichment';
  return 'async';
}

/** Lifecycle groups, in the order an admin meets them (the studio's stepper follows it). */
export const lifecycleGroups = [
  { id: 'signup', label: 'Sign-up' },
  { id: 'signin', label: 'Sign-in and session' },
  { id: 'tokens', label: 'Tokens' },
  { id: 'account-linking', label: 'Account linking' },
  { id: 'password-email', label: 'Password and email' },
  { id: 'deletion', label: 'Deletion' },
  { id: 'signout', label: 'Sign-out' },
] as const;
export type LifecycleGroupId = (typeof lifecycleGroups)[number]['id'];

export interface HookDefinition {
  id: HookId;
  label: string;
  group: LifecycleGroupId;
  mode: HookMode;
  /** When it fires and what the return value does, for the editor's docs. */
  description: string;
  schema: (typeof payloadSchemas)[HookId];
  sample: Record<string, unknown>;
}

const described: Record<HookId, { label: string; group: LifecycleGroupId; description: string }> = {
  'signup.before': {
    label: 'Before sign-up',
    group: 'signup',
    description: 'Before an account is created. Return { allow = false, reason = "…" } to refuse it.',
  },
  'signup.enrich': {
    label: 'Enrich new user',
    group: 'signup',
    description: 'Fields returned are merged into the new user record.',
  },
  'signup.after': {
    label: 'After sign-up',
    group: 'signup',
    description: 'After the account exists (fire-and-forget; the result is only traced).',
  },
  'signin.before': {
    label: 'Before sign-in',
    group: 'signin',
    description: 'Credentials are verified, no session is issued yet. May deny the sign-in.',
  },
  'signin.after': {
    label: 'After sign-in',
    group: 'signin',
    description: 'After a successful sign-in (fire-and-forget).',
  },
  'session.enrich': {
    label: 'Enrich session',
    group: 'signin',
    description: 'Fields returned are added to the new session’s data.',
  },
  'token.enrich': {
    label: 'Enrich token claims',
    group: 'tokens',
    description: 'Fields returned are added to the claims of an issued access or ID token.',
  },
  'signout.after': {
    label: 'After sign-out',
    group: 'signout',
    description: 'After a session ends (fire-and-forget).',
  },
  'account-link.before': {
    label: 'Before account link',
    group: 'account-linking',
    description: 'Before a social or OAuth account is linked to a user. May deny the link.',
  },
  'account-link.after': {
    label: 'After account link',
    group: 'account-linking',
    description: 'After an account was linked (fire-and-forget).',
  },
  'password-reset.before': {
    label: 'Before password reset',
    group: 'password-email',
    description: 'Before a reset message is sent. May deny it.',
  },
  'password-change.after': {
    label: 'After password change',
    group: 'password-email',
    description: 'After a password was changed (fire-and-forget).',
  },
  'email-change.before': {
    label: 'Before email change',
    group: 'password-email',
    description: 'Before a user’s email address changes. May deny it.',
  },
  'email-verify.after': {
    label: 'After email verification',
    group: 'password-email',
    description: 'After an email address was verified (fire-and-forget).',
  },
  'user-delete.before': {
    label: 'Before account deletion',
    group: 'deletion',
    description: 'Before an account is deleted. May deny the deletion.',
  },
  'user-delete.after': {
    label: 'After account deletion',
    group: 'deletion',
    description: 'After an account was deleted (fire-and-forget).',
  },
};

export const hookDefinitions: readonly HookDefinition[] = hookIds.map((id) => ({
  id,
  mode: modeOf(id),
  ...described[id],
  schema: payloadSchemas[id],
  sample: samplePayloads[id],
}));

const byId = new Map(hookDefinitions.map((definition) => [definition.id, definition]));

export function isHookId(value: string): value is HookId {
  return byId.has(value as HookId);
}

export function getHook(id: HookId): HookDefinition {
  const definition = byId.get(id);
  if (!definition) throw new Error(`unknown hook ${id}`);
  return definition;
}
