// The 16 hook ids on their own, so that the samples and the definitions can both name them
// without importing each other.

export const hookIds = [
  'signup.before',
  'signup.enrich',
  'signup.after',
  'signin.before',
  'signin.after',
  'session.enrich',
  'token.enrich',
  'signout.after',
  'account-link.before',
  'account-link.after',
  'password-reset.before',
  'password-change.after',
  'email-change.before',
  'email-verify.after',
  'user-delete.before',
  'user-delete.after',
] as const;

export type HookId = (typeof hookIds)[number];
