import { z } from 'zod';
import { hookIdSchema } from '../hooks/definitions';
import type { ChannelSpec } from './channel-spec';
import { rolloutRequestSchema } from './rollout-request';

// The channels of the publish screen (docs/publish.md): preview what would change on an
// environment's runtime, publish through gates as a background job (`publish.start` answers at
// once, the UI reads `publish.progress` once and then follows the pushed `publish.steps` events),
// the runtime's version history, rollback, and pulling the runtime's captured events into the
// library. Runtime errors are mapped to the codes below by core/publish/runtime-client.ts.

const environmentName = z.string().min(1).max(64);
const isoTime = z.string().datetime({ offset: true });
const change = z.enum(['added', 'removed', 'changed', 'unchanged']);

/** Errors of every channel that talks to an environment's runtime. */
export const runtimeErrors = [
  'NOT_FOUND',
  'NO_RUNTIME_URL',
  'NO_TOKEN',
  'RUNTIME_UNREACHABLE',
  'RUNTIME_REFUSED',
  'KEYCHAIN_UNAVAILABLE',
  'STORE_UNAVAILABLE',
] as const;

export const publishGateSchema = z.object({
  id: z.enum(['valid', 'secrets', 'suite', 'impact']),
  label: z.string(),
  status: z.enum(['pass', 'fail', 'pending', 'skipped']),
  detail: z.string(),
  /** The secrets gate: declared names the runtime has no value for. */
  missing: z.array(z.string()).optional(),
  /** The secrets gate: of `missing`, the names this workspace's keychain has no value for either (pushing cannot fix them). */
  missingLocally: z.array(z.string()).optional(),
});

export const bundleDiffSchema = z.object({
  scripts: z.array(
    z.object({
      id: z.string(),
      change,
      /** The source on the runtime (absent when added). */
      before: z.string().optional(),
      /** The source that would be published (absent when removed). */
      after: z.string().optional(),
    }),
  ),
  hooks: z.array(
    z.object({
      hook: hookIdSchema,
      change,
      before: z.array(z.array(z.string())),
      after: z.array(z.array(z.string())),
    }),
  ),
  env: z.array(z.object({ key: z.string(), change, before: z.string().optional(), after: z.string().optional() })),
  /** Declared secret names (never values). */
  secrets: z.array(z.object({ name: z.string(), change })),
  /** Nothing would change (same bundle hash). */
  identical: z.boolean(),
});

export const publishStepSchema = z.object({
  /** `rollout` replaces `publish` when the job starts a rollout. */
  id: z.enum(['validate', 'secrets', 'suite', 'publish', 'rollout', 'record']),
  label: z.string(),
  status: z.enum(['pending', 'running', 'pass', 'fail', 'skipped']),
  detail: z.string().optional(),
});

/** A publish job as `publish.progress` answers it and `publish.steps` pushes it. */
export const publishProgressSchema = z.object({
  jobId: z.string(),
  environment: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  steps: z.array(publishStepSchema),
  /** The version published, or for a rollout the candidate's version and the rollout's id. */
  result: z.object({ version: z.number().int(), hash: z.string(), rolloutId: z.string().optional() }).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** The replay run of the pinned suite, when the suite step ran. */
  suiteRunId: z.number().int().optional(),
});

const versionEntry = z.object({
  version: z.number().int(),
  hash: z.string(),
  publishedAt: z.string(),
  publishedBy: z.string(),
  message: z.string(),
  /** `rollout`: a rollout's candidate, promoted. */
  kind: z.enum(['publish', 'rollback', 'rollout']).optional(),
});

export const publishChannels = {
  'publish.preview': {
    description:
      "What publishing the workspace's current pipeline to an environment would change, with the gates that can be checked without publishing.",
    input: z.object({ environment: environmentName }).strict(),
    output: z.object({
      environment: z.string(),
      runtimeUrl: z.string(),
      local: z.object({ hash: z.string(), scripts: z.number().int() }),
      /** The runtime's active bundle; null when nothing was ever published there. */
      remote: z
        .object({ hash: z.string(), version: z.number().int(), publishedAt: z.string(), publishedBy: z.string() })
        .nullable(),
      /** The runtime's active hash differs from what this workspace last published there. */
      drift: z.object({ detected: z.boolean(), message: z.string().optional() }),
      diff: bundleDiffSchema,
      /** `suite` is pending (it runs on publish) or skipped (nothing pinned). */
      gates: z.array(publishGateSchema),
    }),
    errors: [...runtimeErrors, 'PIPELINE_INVALID'],
  },
  'publish.start': {
    description:
      'Publishes the current pipeline as a background job: validate → secrets → suite → publish (If-Match) → record.',
    input: z
      .object({
        environment: environmentName,
        message: z.string().min(1).max(500),
        /** Must equal the environment name when publishing to production. */
        confirm: z.string().max(64).optional(),
        /** Push declared secrets' values from this workspace's keychain to the runtime first. */
        pushSecrets: z.boolean().optional(),
        /**
         * The runtime's active hash the preview showed (null: none was active), sent as If-Match so
         * that what is replaced is exactly what was reviewed. Omitted: the hash active at start.
         */
        expectedHash: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .nullable()
          .optional(),
        /**
         * The local pipeline's hash the preview showed: when the pipeline changed since (a script
         * saved in the meantime), the publish is refused with PIPELINE_CHANGED rather than sending
         * what nobody reviewed. Omitted: the pipeline as it is at start.
         */
        reviewedHash: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .optional(),
        /** Start a rollout of the pipeline (docs/publish.md, "Rollouts") instead of publishing it. */
        rollout: rolloutRequestSchema.optional(),
      })
      .strict(),
    output: z.object({ jobId: z.string() }),
    errors: [...runtimeErrors, 'CONFIRMATION_REQUIRED', 'BUSY', 'PIPELINE_CHANGED', 'ROLLOUT_RUNNING'],
  },
  'publish.progress': {
    description: "A publish job's steps, and its result or error once it has ended.",
    input: z.object({ jobId: z.string().min(1).max(100) }).strict(),
    output: publishProgressSchema,
    errors: ['NOT_FOUND'],
  },
  'publish.history': {
    description: "The runtime's published versions, newest first, and the active one.",
    input: z.object({ environment: environmentName }).strict(),
    output: z.object({
      active: z.object({ version: z.number().int(), hash: z.string() }).nullable(),
      versions: z.array(versionEntry),
    }),
    errors: [...runtimeErrors],
  },
  'publish.rollback': {
    description: 'Makes an earlier version active again on the runtime (recorded in the workspace history).',
    input: z
      .object({
        environment: environmentName,
        version: z.number().int().min(1),
        /** Must equal the environment name for production. */
        confirm: z.string().max(64).optional(),
      })
      .strict(),
    output: z.object({ version: z.number().int(), hash: z.string() }),
    errors: [...runtimeErrors, 'CONFIRMATION_REQUIRED', 'VERSION_NOT_FOUND'],
  },
  'events.pull': {
    description:
      "Imports the runtime's captured (redacted) events into the event library, with the environment as source.",
    input: z
      .object({
        environment: environmentName,
        since: isoTime.optional(),
        hook: hookIdSchema.optional(),
      })
      .strict(),
    output: z.object({
      imported: z.number().int(),
      duplicates: z.number().int(),
      problems: z.array(z.object({ line: z.number().int(), message: z.string() })),
    }),
    errors: [...runtimeErrors],
  },
} as const satisfies Record<string, ChannelSpec>;
