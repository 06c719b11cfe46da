import type { AuthContext, BetterAuthOptions, BetterAuthPlugin, GenericEndpointContext } from 'better-auth';
import { createAuthMiddleware, getSessionFromCtx, isAPIError } from 'better-auth/api';
import type { HookId } from '../../shared/hooks';
import type { Runtime } from '../../runtime';
import { toRecordFields, unwrap } from './enrichment';
import { PipelineInvoker, type FailureMode, type PipelineLogger } from './pipeline-invoker';
import {
  dataField,
  providerOf,
  requestInfo,
  sessionPayload,
  sessionRequestInfo,
  signInMethodOf,
  userPayload,
  withTime,
  type EndpointLike,
} from './payloads';
import { embeddedCaller, remoteCaller, type RuntimeCaller } from './runtime-caller';

// The better-auth plugin: better-auth's lifecycle mapped onto the 16 hooks (docs/better-auth.md has
// the table and every place where better-auth and the contract do not line up).

export type BlockingHookId = Extract<HookId, `${string}.before`>;

export interface PipelineStudioOptions {
  /** An embedded runtime (createRuntime from the runtime library): hooks run in-process. */
  runtime?: Pick<Runtime, 'runHook'>;
  /** Or a runtime served over HTTP: its URL (https, or http to loopback) and a token with `invoke`. */
  url?: string;
  token?: string;
  /** How long a hook waits for the runtime before it counts as unavailable; default 3000 ms. */
  timeoutMs?: number;
  /**
   * What a blocking hook does when the runtime cannot decide (unreachable, an HTTP error, the
   * timeout): `deny` (default) or `allow`; one mode for all, or per hook.
   */
  failureMode?: FailureMode | Partial<Record<BlockingHookId, FailureMode>>;
  /** Operational messages (never an event's content); default: better-auth's logger. */
  logger?: PipelineLogger;
  /** token.enrich's `token.audience` (the jwt plugin's audience, if you set one). */
  tokenAudience?: string;
}

/** Hooks of better-auth's jwt plugin: `jwt({ jwt: { definePayload: plugin.definePayload } })`. */
export interface PipelineStudioPlugin extends BetterAuthPlugin {
  id: 'pipeline-studio';
  definePayload(session: {
    user: Record<string, unknown>;
    session: Record<string, unknown>;
  }): Promise<Record<string, unknown>>;
}

/** What one request learned in one hook and another hook of the same request needs. */
interface RequestState {
  /** A user was created in this request: its session and account are a sign-up's, not a sign-in or link. */
  signingUp?: boolean;
  /** The user whose password /reset-password or /set-password changes (found before the endpoint runs). */
  passwordUser?: Record<string, unknown>;
}

const passwordResetPaths = new Set(['/request-password-reset', '/forget-password']);
const passwordChangePaths = new Set(['/change-password', '/set-password', '/reset-password']);
const userDeletePaths = new Set(['/delete-user', '/delete-user/callback']);
const emailVerifyPaths = new Set(['/verify-email', '/email-otp/verify-email']);
const registeredClaims = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'];

export function pipelineStudio(options: PipelineStudioOptions): PipelineStudioPlugin {
  const timeoutMs = options.timeoutMs ?? 3000;
  const caller = callerOf(options, timeoutMs);
  let auth: AuthContext | undefined;
  const fallbackLogger: PipelineLogger = {
    warn: (message) => (auth ? auth.logger.warn(message) : process.stderr.write(`${message}\n`)),
    error: (message) => (auth ? auth.logger.error(message) : process.stderr.write(`${message}\n`)),
  };
  const invoker = new PipelineInvoker({
    caller,
    logger: options.logger ?? fallbackLogger,
    failureMode: (hook) =>
      typeof options.failureMode === 'string'
        ? options.failureMode
        : (options.failureMode?.[hook as BlockingHookId] ?? 'deny'),
  });

  // Per-request state, keyed by the request's auth context object: better-auth gives the same one
  // to the plugin's before/after hooks and to the database hooks its endpoint triggers.
  const states = new WeakMap<object, RequestState>();
  const stateOf = (endpoint: { context?: unknown } | null | undefined): RequestState => {
    const key = endpoint?.context;
    if (!key || typeof key !== 'object') return {};
    let state = states.get(key);
    if (!state) states.set(key, (state = {}));
    return state;
  };

  const authContext = (): AuthContext => {
    if (!auth) throw new Error('pipelineStudio: better-auth has not initialised the plugin');
    return auth;
  };
  const authOptions = (): BetterAuthOptions => authContext().options;
  const request = (endpoint: EndpointLike | null | undefined) => requestInfo(endpoint, authOptions());
  const findUser = async (id: unknown): Promise<Record<string, unknown> | undefined> =>
    typeof id === 'string' ? ((await authContext().internalAdapter.findUserById(id)) ?? undefined) : undefined;
  const columnsOf = (model: 'user' | 'session') =>
    authContext().tables[model]?.fields ?? ({} as Record<string, { type: unknown }>);

  const databaseHooks: BetterAuthOptions['databaseHooks'] = {
    user: {
      create: {
        async before(user, context) {
          stateOf(context).signingUp = true;
          const event = withTime({ request: request(context), user: userPayload(user), provider: providerOf(context) });
          await invoker.blocking('signup.before', event);
          const data = await invoker.enrichment('signup.enrich', event);
          if (Object.keys(data).length === 0) return;
          return { data: toRecordFields(unwrap(data, 'user'), columnsOf('user'), user[dataField]) };
        },
        async after(user, context) {
          const event = withTime({ request: request(context), user: userPayload(user), provider: providerOf(context) });
          invoker.fire('signup.after', () => event);
        },
      },
      update: {
        async after(user, context) {
          if (!context?.path || !emailVerifyPaths.has(context.path) || user?.emailVerified !== true) return;
          const event = withTime({ request: request(context), user: userPayload(user) });
          invoker.fire('email-verify.after', () => event);
        },
      },
      delete: {
        async after(user, context) {
          const event = withTime({ request: request(context), user: userPayload(user) });
          invoker.fire('user-delete.after', () => event);
        },
      },
    },
    session: {
      create: {
        async before(session, context) {
          const user = await findUser(session.userId);
          if (!user) return;
          const req = request(context);
          if (!stateOf(context).signingUp) {
            const method = signInMethodOf(context?.path);
            await invoker.blocking(
              'signin.before',
              withTime({
                request: req,
                user: userPayload(user),
                method,
                ...(method === 'oauth' ? { provider: providerOf(context) } : {}),
              }),
            );
          }
          const data = await invoker.enrichment(
            'session.enrich',
            withTime({ request: req, user: userPayload(user), session: sessionPayload(session) }),
          );
          if (Object.keys(data).length === 0) return;
          return { data: toRecordFields(unwrap(data, 'session'), columnsOf('session'), session[dataField]) };
        },
        async after(session, context) {
          if (stateOf(context).signingUp) return;
          const req = request(context);
          const method = signInMethodOf(context?.path);
          const provider = method === 'oauth' ? { provider: providerOf(context) } : {};
          invoker.fire('signin.after', async () => {
            const user = await findUser(session.userId);
            return user
              ? withTime({ request: req, user: userPayload(user), method, ...provider, session: { id: session.id } })
              : undefined;
          });
        },
      },
      delete: {
        async after(session, context) {
          if (context?.path !== '/sign-out') return;
          const req = request(context);
          invoker.fire('signout.after', async () => {
            const user = await findUser(session.userId);
            return user ? withTime({ request: req, user: userPayload(user), session: { id: session.id } }) : undefined;
          });
        },
      },
    },
    account: {
      create: {
        async before(account, context) {
          if (account.providerId === 'credential' || stateOf(context).signingUp) return;
          const user = await findUser(account.userId);
          if (!user) return;
          await invoker.blocking(
            'account-link.before',
            withTime({
              request: request(context),
              user: userPayload(user),
              provider: account.providerId,
              providerAccountId: account.accountId,
            }),
          );
        },
        async after(account, context) {
          if (account.providerId === 'credential' || stateOf(context).signingUp) return;
          const req = request(context);
          invoker.fire('account-link.after', async () => {
            const user = await findUser(account.userId);
            return user ? withTime({ request: req, user: userPayload(user), provider: account.providerId }) : undefined;
          });
        },
      },
    },
  };

  const sessionUser = async (ctx: GenericEndpointContext) =>
    (await getSessionFromCtx(ctx).catch(() => null))?.user as Record<string, unknown> | undefined;
  const bodyOf = (ctx: { body?: unknown }) =>
    (ctx.body && typeof ctx.body === 'object' ? ctx.body : {}) as Record<string, unknown>;

  const plugin: PipelineStudioPlugin = {
    id: 'pipeline-studio',
    schema: {
      user: { fields: { [dataField]: { type: 'string', required: false, input: false } } },
      session: { fields: { [dataField]: { type: 'string', required: false, input: false } } },
    },
    init(ctx) {
      auth = ctx;
      return { options: { databaseHooks } };
    },
    hooks: {
      before: [
        {
          matcher: (ctx) => passwordResetPaths.has(ctx.path ?? ''),
          handler: createAuthMiddleware(async (ctx) => {
            const email = bodyOf(ctx).email;
            if (typeof email !== 'string') return;
            await invoker.blocking('password-reset.before', withTime({ request: request(ctx), user: { email } }));
          }),
        },
        {
          matcher: (ctx) => ctx.path === '/change-email',
          handler: createAuthMiddleware(async (ctx) => {
            const user = await sessionUser(ctx);
            const newEmail = bodyOf(ctx).newEmail;
            if (!user || typeof newEmail !== 'string') return;
            await invoker.blocking(
              'email-change.before',
              withTime({ request: request(ctx), user: userPayload(user), newEmail }),
            );
          }),
        },
        {
          matcher: (ctx) => userDeletePaths.has(ctx.path ?? '') || ctx.path === '/admin/remove-user',
          handler: createAuthMiddleware(async (ctx) => {
            const user =
              ctx.path === '/admin/remove-user' ? await findUser(bodyOf(ctx).userId) : await sessionUser(ctx);
            if (!user) return;
            await invoker.blocking('user-delete.before', withTime({ request: request(ctx), user: userPayload(user) }));
          }),
        },
        {
          // The user whose password changes, while it can still be found (reset tokens are consumed).
          matcher: (ctx) => passwordChangePaths.has(ctx.path ?? ''),
          handler: createAuthMiddleware(async (ctx) => {
            let user: Record<string, unknown> | undefined;
            if (ctx.path === '/reset-password') {
              const token = bodyOf(ctx).token ?? (ctx.query as Record<string, unknown> | undefined)?.token;
              if (typeof token !== 'string') return;
              const verification = await ctx.context.internalAdapter.findVerificationValue(`reset-password:${token}`);
              user = await findUser(verification?.value);
            } else {
              user = await sessionUser(ctx);
            }
            if (user) stateOf(ctx).passwordUser = user;
          }),
        },
      ],
      after: [
        {
          matcher: (ctx) => passwordChangePaths.has(ctx.path ?? ''),
          handler: createAuthMiddleware(async (ctx) => {
            const user = stateOf(ctx).passwordUser;
            if (!user || isAPIError(ctx.context.returned)) return;
            const event = withTime({ request: request(ctx), user: userPayload(user) });
            invoker.fire('password-change.after', () => event);
          }),
        },
      ],
    },
    async definePayload({ user, session }) {
      const base = baseClaims(user);
      const data = await invoker.enrichment(
        'token.enrich',
        withTime({
          request: sessionRequestInfo(session),
          user: userPayload(user),
          token: { type: 'access', ...(options.tokenAudience ? { audience: options.tokenAudience } : {}) },
          claims: base,
        }),
      );
      const added = unwrap(data, 'claims');
      for (const claim of registeredClaims) delete added[claim];
      return { ...base, ...added };
    },
  };
  return plugin;
}

function callerOf(options: PipelineStudioOptions, timeoutMs: number): RuntimeCaller {
  if (options.runtime && options.url) throw new Error('pipelineStudio: give either `runtime` or `url`, not both');
  if (options.runtime) return embeddedCaller(options.runtime, timeoutMs);
  if (options.url) {
    if (!options.token) throw new Error('pipelineStudio: a remote runtime needs a `token` with the invoke scope');
    return remoteCaller(options.url, options.token, timeoutMs);
  }
  throw new Error('pipelineStudio: give an embedded `runtime` or a remote `url` and `token`');
}

/** The claims better-auth's jwt plugin puts in a token by default (the user), as plain JSON. */
function baseClaims(user: Record<string, unknown>): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(user)) {
    if (key === dataField || value === undefined || value === null) continue;
    claims[key] = value instanceof Date ? value.toISOString() : value;
  }
  return claims;
}
