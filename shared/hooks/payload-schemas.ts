import { z } from 'zod';

// Admins replay real, messy events: every object schema is loose, so fields the contract does not
// name are kept as they are instead of being stripped or refused.

export const requestSchema = z.looseObject({
  ip: z.string(),
  userAgent: z.string().optional(),
  country: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

export const userSchema = z.looseObject({
  id: z.string().optional(),
  email: z.string(),
  emailVerified: z.boolean().optional(),
  name: z.string().optional(),
  createdAt: z.string().optional(),
  role: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const signInMethodSchema = z.enum(['password', 'oauth', 'magic-link', 'passkey', 'otp']);

/** Every payload carries `request`; `at` (ISO-8601) may be present. */
export function payload<S extends z.ZodRawShape>(shape: S) {
  return z.looseObject({
    request: requestSchema,
    at: z.string().optional(),
    ...shape,
  });
}

const userWithId = userSchema.extend({ id: z.string() });
const sessionRef = z.looseObject({ id: z.string() });

export const payloadSchemas = {
  'signup.before': payload({
    user: z.looseObject({ email: z.string(), name: z.string().optional() }),
    provider: z.string(),
  }),
  'signup.enrich': payload({
    user: z.looseObject({ email: z.string(), name: z.string().optional() }),
    provider: z.string(),
  }),
  'signup.after': payload({ user: userWithId }),
  'signin.before': payload({
    user: userSchema,
    method: signInMethodSchema,
    provider: z.string().optional(),
  }),
  'signin.after': payload({ user: userSchema, method: signInMethodSchema, session: sessionRef }),
  'session.enrich': payload({ user: userSchema, session: z.looseObject({}) }),
  'token.enrich': payload({
    user: userSchema,
    token: z.looseObject({
      type: z.enum(['access', 'id']),
      audience: z.string().optional(),
      scopes: z.array(z.string()).optional(),
    }),
    claims: z.record(z.string(), z.unknown()),
  }),
  'signout.after': payload({ user: userSchema, session: sessionRef }),
  'account-link.before': payload({
    user: userSchema,
    provider: z.string(),
    providerAccountId: z.string(),
  }),
  'account-link.after': payload({ user: userSchema, provider: z.string() }),
  'password-reset.before': payload({ user: z.looseObject({ email: z.string() }) }),
  'password-change.after': payload({ user: userSchema }),
  'email-change.before': payload({ user: userSchema, newEmail: z.string() }),
  'email-verify.after': payload({ user: userSchema }),
  'user-delete.before': payload({ user: userSchema }),
  'user-delete.after': payload({ user: z.looseObject({ id: z.string(), email: z.string() }) }),
} as const;
