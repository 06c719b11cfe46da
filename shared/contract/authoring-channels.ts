import { z } from 'zod';
import { hookIdSchema, hookModes } from '../hooks/definitions';
import type { ChannelSpec } from './channel-spec';
import { traceSpanSchema } from './replay-channels';

// The channels of the authoring screens (issue: swimlane editor, script editor, versions, secrets
// and environments). Inputs are validated by the core's router; outputs too.

const scriptId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, - and _, 64 at most');
const layers = z.array(z.array(scriptId));
const onError = z.enum(['deny', 'allow']);
const logEntry = z.object({ level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string(), t: z.number() });
const scriptError = z.object({ code: z.string(), message: z.string(), line: z.number().int().optional() });
const json = z.unknown();

const versionSummary = z.object({
  version: z.number().int(),
  contentHash: z.string(),
  message: z.string(),
  createdAt: z.string(),
});

const scriptSummary = z.object({
  id: z.string(),
  description: z.string().optional(),
  timeoutMs: z.number().int().optional(),
  onError: onError.optional(),
  latest: versionSummary,
  /** The hooks whose pipeline uses the script. */
  hooks: z.array(hookIdSchema),
  /** Secret names the latest version reads with helpers.secret("…"). */
  secretsUsed: z.array(z.string()),
});

const pipelineState = z.object({
  /** Every hook, with [] when it has no layers. */
  hooks: z.record(hookIdSchema, layers),
  env: z.record(z.string(), z.string()),
  secrets: z.array(z.string()),
});

const diagnostic = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  /** 1-based; absent for whole-script problems (size). */
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});

const runResult = z.object({
  ok: z.boolean(),
  hook: hookIdSchema,
  /** allow / deny / data / recorded, from the hook's mode. */
  decision: z.object({
    kind: z.enum(['allow', 'deny', 'data', 'recorded', 'error']),
    reason: z.string().optional(),
    code: z.string().optional(),
  }),
  result: json,
  error: scriptError.nullable(),
  logs: z.array(logEntry),
  logsDropped: z.object({ entries: z.number(), bytes: z.number() }).optional(),
  durationMs: z.number(),
  instructions: z.number(),
  /**
   * The run's trace (the draft runs as a pipeline of one layer), spans as the trace channels give
   * them; null when the engine lost the run before it finished (its worker stopped twice).
   */
  trace: z.object({ traceId: z.string(), hook: hookIdSchema, spans: z.array(traceSpanSchema) }).nullable(),
});

const environment = z.object({
  name: z.string(),
  runtimeUrl: z.string().nullable(),
  /** A runtime token is stored in the OS keychain (its value is never sent to the UI). */
  hasToken: z.boolean(),
  lastPublishedHash: z.string().nullable(),
});

const secretEntry = z.object({
  name: z.string(),
  /** Set in the keychain for this environment. */
  isSet: z.boolean(),
  /** Declared by the pipeline (bundle `secrets`). */
  declared: z.boolean(),
  /** Scripts whose latest version reads it. */
  usedBy: z.array(z.string()),
});

export const authoringChannels = {
  'workspace.info': {
    description: 'Where the workspace lives and which keychain holds its secrets.',
    input: z.object({}).strict(),
    output: z.object({ id: z.string(), name: z.string(), dir: z.string(), keychain: z.string() }),
    errors: ['STORE_UNAVAILABLE'],
  },
  'hooks.schema': {
    description: "A hook's payload as JSON Schema and a sample payload (completions, sample events).",
    input: z.object({ hook: hookIdSchema }).strict(),
    output: z.object({
      hook: hookIdSchema,
      mode: z.enum(hookModes),
      schema: z.record(z.string(), json),
      sample: z.record(z.string(), json),
    }),
    errors: [],
  },
  'pipeline.get': {
    description: 'The layers of every hook, the pipeline variables and the declared secret names.',
    input: z.object({}).strict(),
    output: pipelineState,
    errors: [],
  },
  'pipeline.setLayers': {
    description:
      "Replaces one hook's layers (move, attach, detach). Limits are checked: 10 layers, 5 a layer, once per hook.",
    input: z.object({ hook: hookIdSchema, layers }).strict(),
    output: pipelineState,
    errors: ['PIPELINE_INVALID', 'NOT_FOUND'],
  },
  'pipeline.setEnv': {
    description: 'Replaces the pipeline variables (helpers.env, ctx.env).',
    input: z.object({ env: z.record(z.string(), z.string()) }).strict(),
    output: pipelineState,
    errors: ['INVALID'],
  },
  'scripts.list': {
    description: 'Every script with its latest version and where it is used.',
    input: z.object({}).strict(),
    output: z.array(scriptSummary),
    errors: [],
  },
  'scripts.create': {
    description: 'A new script from a template of the given mode (its first version).',
    input: z
      .object({
        id: scriptId,
        template: z.enum(['blocking', 'enrichment', 'async', 'blank']),
        description: z.string().max(500).optional(),
      })
      .strict(),
    output: scriptSummary,
    errors: ['CONFLICT'],
  },
  'scripts.get': {
    description: 'A script with the source of its latest version, or of `version`.',
    input: z.object({ id: scriptId, version: z.number().int().positive().optional() }).strict(),
    output: scriptSummary.extend({ source: z.string(), version: z.number().int() }),
    errors: ['NOT_FOUND'],
  },
  'scripts.save': {
    description: 'Saves the text as a new immutable version (none when it equals the latest).',
    input: z.object({ id: scriptId, source: z.string(), message: z.string().max(500).optional() }).strict(),
    output: z.object({ version: versionSummary, created: z.boolean() }),
    errors: ['NOT_FOUND', 'SCRIPT_TOO_LARGE'],
  },
  'scripts.updateSettings': {
    description: 'Description, timeout (ms, up to 10 s) and onError of a script.',
    input: z
      .object({
        id: scriptId,
        description: z.string().max(500).nullable().optional(),
        timeoutMs: z.number().int().min(1).max(10_000).nullable().optional(),
        onError: onError.nullable().optional(),
      })
      .strict(),
    output: scriptSummary,
    errors: ['NOT_FOUND'],
  },
  'scripts.versions': {
    description: "A script's versions, newest first.",
    input: z.object({ id: scriptId }).strict(),
    output: z.array(versionSummary),
    errors: ['NOT_FOUND'],
  },
  'scripts.restore': {
    description: 'Makes an older version the latest again, as a new version.',
    input: z.object({ id: scriptId, version: z.number().int().positive() }).strict(),
    output: z.object({ version: versionSummary, created: z.boolean() }),
    errors: ['NOT_FOUND'],
  },
  'scripts.check': {
    description:
      "Diagnostics while typing: syntax (the engine's Lua), the 5 KB limit, unknown helpers, undeclared secrets.",
    input: z.object({ source: z.string().max(64 * 1024) }).strict(),
    output: z.array(diagnostic),
    errors: [],
  },
  'scripts.run': {
    description: 'Runs a script text on one event in the sandbox (the draft, unsaved text is fine).',
    input: z
      .object({
        source: z.string().max(64 * 1024),
        hook: hookIdSchema,
        event: z.record(z.string(), json),
        environment: z.string().optional(),
      })
      .strict(),
    output: runResult,
    errors: ['INVALID_EVENT'],
  },
  'environments.list': {
    description: 'The runtimes this workspace publishes to (staging and production by default).',
    input: z.object({}).strict(),
    output: z.array(environment),
    errors: [],
  },
  'environments.create': {
    description: 'A new environment.',
    input: z
      .object({ name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), runtimeUrl: z.string().url().optional() })
      .strict(),
    output: environment,
    errors: ['CONFLICT', 'INVALID'],
  },
  'environments.update': {
    description: "An environment's runtime URL (null clears it).",
    input: z.object({ name: z.string(), runtimeUrl: z.string().url().nullable() }).strict(),
    output: environment,
    errors: ['NOT_FOUND', 'INVALID'],
  },
  'environments.setToken': {
    description: 'Stores the runtime token in the OS keychain; it is never read back by the UI.',
    input: z.object({ name: z.string(), token: z.string().min(1).max(4096) }).strict(),
    output: environment,
    errors: ['NOT_FOUND', 'KEYCHAIN_UNAVAILABLE'],
  },
  'secrets.list': {
    description: 'Secret names of an environment: set or not, declared, used by which scripts. Never values.',
    input: z.object({ environment: z.string() }).strict(),
    output: z.object({ environment: z.string(), store: z.string(), secrets: z.array(secretEntry) }),
    errors: ['NOT_FOUND', 'KEYCHAIN_UNAVAILABLE'],
  },
  'secrets.set': {
    description: 'Sets or replaces a secret value in the OS keychain and declares the name in the pipeline.',
    input: z
      .object({
        environment: z.string(),
        name: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
        value: z.string().min(1).max(16_384),
      })
      .strict(),
    output: secretEntry,
    errors: ['NOT_FOUND', 'KEYCHAIN_UNAVAILABLE'],
  },
  'secrets.delete': {
    description: 'Deletes a secret value from the keychain (the declaration stays).',
    input: z.object({ environment: z.string(), name: z.string() }).strict(),
    output: z.object({ deleted: z.boolean() }),
    errors: ['NOT_FOUND', 'KEYCHAIN_UNAVAILABLE'],
  },
  'secrets.undeclare': {
    description:
      'Removes a declared secret name from the pipeline and its values from the keychain in every environment (scripts that still read it fail with SECRET_NOT_FOUND).',
    input: z.object({ name: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/) }).strict(),
    /** `removedFrom`: the environments whose value was deleted from the keychain. */
    output: z.object({ undeclared: z.boolean(), removedFrom: z.array(z.string()) }),
    errors: ['KEYCHAIN_UNAVAILABLE'],
  },
  'secrets.keychain': {
    description:
      "Asks the OS keychain whether it answers, before anything is typed: when not, what to install or unlock (never the platform's raw error).",
    input: z.object({}).strict(),
    output: z.object({ store: z.string(), available: z.boolean(), advice: z.string().nullable() }),
    errors: ['STORE_UNAVAILABLE'],
  },
} as const satisfies Record<string, ChannelSpec>;
