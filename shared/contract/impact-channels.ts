import { z } from 'zod';
import { hookIdSchema } from '../hooks/definitions';
import { outcomeChangeKinds, type OutcomeChangeKind } from '../engine/outcome-diff';
import type { ChannelSpec } from './channel-spec';
import { runtimeErrors } from './publish-channels';

// The channels of the studio's Impact step (docs/publish.md, "Impact"): what the workspace's
// pipeline (or one script's draft) would have decided on an environment's real traffic, compared
// with the bundle active on its runtime. An impact is a job like a replay: `impact.start` answers
// at once, the page reads `impact.progress` once and then follows the pushed `impact.progress`
// events (shared/contract/events.ts). Flips (allow→deny, deny→allow) must be acknowledged before
// the same bundle can be published there (the publish gate `impact`).

const environmentName = z.string().min(1).max(64);
const impactId = z.string().min(1).max(100);
const eventId = z.string().min(1).max(200);
const json = z.unknown();

/** How an event's outcome changed from the baseline to the candidate. */
export const impactChangeKindSchema = z.enum(outcomeChangeKinds as [OutcomeChangeKind, ...OutcomeChangeKind[]]);

/** The kinds that change a decision: they must be acknowledged before publishing. */
export const impactFlipKinds = ['allow→deny', 'deny→allow'] as const;

/** One side's outcome, with the field names of the replay line (docs/formats.md). */
export const impactOutcomeSchema = z.object({
  ok: z.boolean(),
  allow: z.boolean().optional(),
  reason: z.string().optional(),
  code: z.string().optional(),
  data: z.record(z.string(), json).optional(),
  results: z.record(z.string(), json).optional(),
  error: z.object({ code: z.string(), message: z.string(), scriptId: z.string().optional() }).optional(),
  durationMs: z.number().optional(),
});

const percentiles = z.object({ p50: z.number(), p95: z.number(), p99: z.number() });

/** Counts per kind (as `impact --json` prints them, docs/cli.md) and latency on both sides. */
export const impactSummarySchema = z.object({
  events: z.number().int(),
  unchanged: z.number().int(),
  allowToDeny: z.number().int(),
  denyToAllow: z.number().int(),
  reasonChanged: z.number().int(),
  dataChanged: z.number().int(),
  newErrors: z.number().int(),
  fixedErrors: z.number().int(),
  changedErrors: z.number().int(),
  latencyMs: z.object({ baseline: percentiles, candidate: percentiles }),
});

export const impactStatusSchema = z.enum(['running', 'done', 'failed', 'cancelled']);

/** An impact as `impact.progress` answers it and the `impact.progress` event pushes it. */
export const impactProgressSchema = z.object({
  impactId: z.string(),
  environment: z.string(),
  status: impactStatusSchema,
  total: z.number().int(),
  done: z.number().int(),
  summary: impactSummarySchema,
  /** The runtime's active bundle the events went through first. */
  baselineHash: z.string(),
  /** The workspace's pipeline (or with the draft) they went through second. */
  candidateHash: z.string(),
  /** What the candidate was: the workspace's pipeline, or it with one script's draft. */
  candidate: z.object({ kind: z.enum(['workspace', 'draft']), scriptId: z.string().optional() }),
  /** Why a failed impact failed. */
  message: z.string().optional(),
});

export const impactChangeSchema = z.object({
  /** The event's id. */
  id: z.string(),
  hook: hookIdSchema,
  /** The main change (the first of `changes`). */
  change: impactChangeKindSchema,
  changes: z.array(impactChangeKindSchema),
  baseline: impactOutcomeSchema,
  candidate: impactOutcomeSchema,
  /** The candidate's scripts whose output changed: what the page groups flips by. */
  scripts: z.array(z.string()),
  /** Both runs' traces, stored in the workspace (traces.get opens them). */
  baselineTraceId: z.string(),
  candidateTraceId: z.string(),
  /** Whether this change was acknowledged (impact.acknowledge). */
  acknowledged: z.boolean(),
  /** The event is in the library (so its outcome can be accepted as expected). */
  inLibrary: z.boolean(),
});

export const impactChannels = {
  'impact.start': {
    description:
      "Runs an environment's captured events (and the pinned ones) through its runtime's active bundle and through the workspace's pipeline (or one script's draft), and keeps the events whose outcome changed; answers at once.",
    input: z
      .object({
        environment: environmentName,
        /** How far back the runtime's captured events go (default 168 = 7 days). */
        sinceHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 90)
          .default(168),
        /** Add the library's pinned events (default true). */
        includePinned: z.boolean().default(true),
        candidate: z
          .discriminatedUnion('kind', [
            z.object({ kind: z.literal('workspace') }).strict(),
            z
              .object({
                kind: z.literal('draft'),
                scriptId: z.string().min(1).max(200),
                source: z.string().max(1024 * 1024),
              })
              .strict(),
          ])
          .default({ kind: 'workspace' }),
      })
      .strict(),
    output: z.object({ impactId: z.string() }),
    errors: [...runtimeErrors, 'PIPELINE_INVALID', 'NOTHING_TO_REPLAY', 'BUSY'],
  },
  'impact.progress': {
    description: "An impact's counts so far, its latency and its status.",
    input: z.object({ impactId }).strict(),
    output: impactProgressSchema,
    errors: ['NOT_FOUND'],
  },
  'impact.changes': {
    description: "A page of an impact's changed events, in input order, optionally one kind or one script's.",
    input: z
      .object({
        impactId,
        kind: impactChangeKindSchema.optional(),
        script: z.string().min(1).max(200).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: z.object({ total: z.number().int(), changes: z.array(impactChangeSchema) }),
    errors: ['NOT_FOUND'],
  },
  'impact.cancel': {
    description: 'Stops a running impact; what was compared is kept and it is marked cancelled.',
    input: z.object({ impactId }).strict(),
    output: z.object({ cancelled: z.boolean() }),
    errors: ['NOT_FOUND'],
  },
  'impact.acknowledge': {
    description:
      "Acknowledges an impact's changes (default: every allow→deny and deny→allow), so that its bundle may be published; recorded with who, when and the note.",
    input: z
      .object({
        impactId,
        ids: z.array(eventId).min(1).max(100_000).optional(),
        note: z.string().max(500).optional(),
      })
      .strict(),
    output: z.object({
      acknowledged: z.number().int(),
      /** Flips still not acknowledged. */
      unacknowledgedFlips: z.number().int(),
    }),
    errors: ['NOT_FOUND', 'BUSY'],
  },
} as const satisfies Record<string, ChannelSpec>;
