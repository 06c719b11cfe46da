import { z } from 'zod';
import { hookIdSchema } from '../hooks/definitions';
import type { ChannelSpec } from './channel-spec';
import { impactChangeKindSchema } from './impact-channels';
import { runtimeErrors } from './publish-channels';
import { traceSpanSchema, traceSummarySchema } from './replay-channels';
import { rolloutModeSchema, rolloutStateSchema, stickyKeySchema } from './rollout-request';

// The channels of a running rollout and of the live tail (docs/publish.md, "Rollouts" and "Live
// tail"). A rollout is started by a publish job (`publish.start` with `rollout`), so that it passes
// the same gates as a publish; these channels follow and steer it on the environment's runtime
// (docs/runtime.md, "Rollouts"). The page follows a rollout with `rollouts.watch`: the core then
// reads the runtime's state about once a second and pushes `rollout.status` until `rollouts.unwatch`.
// A tail is a stream the core holds open to the runtime's GET /v1/tail; it pushes `tail.batch`
// events (shared/contract/events.ts) until `tail.stop`.

const environmentName = z.string().min(1).max(64);
const traceId = z.string().regex(/^[0-9a-f]{32}$/);

const sideStats = z.object({ n: z.number().int(), errors: z.number().int(), p50Ms: z.number(), p99Ms: z.number() });

/** A rollout as the runtime reports it (GET /v1/rollouts/current). */
export const rolloutViewSchema = z.object({
  id: z.string(),
  mode: rolloutModeSchema,
  percent: z.number().int(),
  stickyBy: stickyKeySchema,
  guard: z.object({ maxErrorRate: z.number(), maxP99Ms: z.number().nullable(), minSamples: z.number().int() }),
  state: rolloutStateSchema,
  reason: z.string().optional(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  author: z.string(),
  message: z.string(),
  baseVersion: z.number().int(),
  baseHash: z.string(),
  candidateVersion: z.number().int(),
  candidateHash: z.string(),
  stats: z.object({
    active: sideStats,
    candidate: sideStats,
    differences: z.object({
      n: z.number().int(),
      allowToDeny: z.number().int(),
      denyToAllow: z.number().int(),
      reasonChanged: z.number().int(),
      dataChanged: z.number().int(),
    }),
    shadowSkipped: z.number().int(),
  }),
});

/** `rollout.status`: pushed about once a second while the page watches an environment. */
export const rolloutStatusEventSchema = z.object({
  environment: z.string(),
  /** null: the runtime has had no rollout yet. */
  rollout: rolloutViewSchema.nullable(),
  /** Set when the runtime could not be read this time (the last known rollout is kept). */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const rolloutDifferenceSchema = z.object({
  id: z.string(),
  at: z.string(),
  hook: hookIdSchema,
  kinds: z.array(impactChangeKindSchema),
  /** The redacted event. */
  event: z.unknown(),
  active: z.object({ version: z.number().int(), outcome: z.unknown(), traceId: z.string() }),
  candidate: z.object({ version: z.number().int(), outcome: z.unknown(), traceId: z.string() }),
});

export const tailOutcomeSchema = z.enum(['allow', 'deny', 'data', 'accepted', 'error']);

export const tailFilterSchema = z
  .object({
    hooks: z.array(hookIdSchema).max(16).optional(),
    outcomes: z.array(tailOutcomeSchema).max(5).optional(),
    version: z.number().int().min(1).optional(),
    /** Case-insensitive text in the hook, reason, error code, script or trace id. */
    text: z.string().max(200).optional(),
  })
  .strict();

/** One finished invocation as the runtime's tail streams it (runtime/tail/tail-types.ts). */
export const tailItemSchema = z.object({
  at: z.string(),
  hook: hookIdSchema,
  mode: z.enum(['blocking', 'enrichment', 'async']),
  outcome: tailOutcomeSchema,
  version: z.number().int().nullable(),
  durationMs: z.number(),
  reason: z.string().optional(),
  error: z.object({ code: z.string(), script: z.string().optional() }).optional(),
  traceId: z.string(),
  rollout: z.object({ id: z.string(), role: z.enum(['active', 'candidate', 'shadow']) }).optional(),
});

/** `tail.batch`: what arrived since the last batch (pushed at most a few times a second). */
export const tailBatchSchema = z.object({
  tailId: z.string(),
  items: z.array(tailItemSchema),
  /** The share of matching invocations the runtime sends now (1: every one). */
  sampleRate: z.number().min(0).max(1),
  /** Matching invocations the runtime left out by sampling, since the stream opened. */
  dropped: z.number().int(),
  /** `ended`: stopped (tail.stop); `failed`: the stream broke (message says why). */
  status: z.enum(['live', 'ended', 'failed']),
  message: z.string().optional(),
});

const rolloutErrors = [...runtimeErrors, 'NO_ROLLOUT', 'ROLLOUT_ENDED'] as const;

export const rolloutChannels = {
  'rollouts.status': {
    description: "The environment's current (or last) rollout with both versions' counts, error rates and latency.",
    input: z.object({ environment: environmentName }).strict(),
    output: z.object({ rollout: rolloutViewSchema.nullable() }),
    errors: [...runtimeErrors],
  },
  'rollouts.watch': {
    description: 'Pushes `rollout.status` for the environment about once a second until rollouts.unwatch.',
    input: z.object({ environment: environmentName }).strict(),
    output: z.object({ watching: z.boolean() }),
    errors: ['NOT_FOUND'],
  },
  'rollouts.unwatch': {
    description:
      'Takes back one rollouts.watch of the environment; the pushes stop when none is left. `watching`: whether it is still watched.',
    input: z.object({ environment: environmentName }).strict(),
    output: z.object({ watching: z.boolean() }),
    errors: [],
  },
  'rollouts.setPercent': {
    description: "Changes the running rollout's share (canary: the users it decides for; shadow: the runs it shadows).",
    input: z
      .object({
        environment: environmentName,
        percent: z.number().int().min(1).max(100),
        /** Must equal the environment name for production. */
        confirm: z.string().max(64).optional(),
      })
      .strict(),
    output: z.object({ rollout: rolloutViewSchema }),
    errors: [...rolloutErrors, 'CONFIRMATION_REQUIRED'],
  },
  'rollouts.promote': {
    description: "Makes the running rollout's candidate the active bundle (recorded in the workspace history).",
    input: z.object({ environment: environmentName, confirm: z.string().max(64).optional() }).strict(),
    output: z.object({ rollout: rolloutViewSchema, version: z.number().int(), hash: z.string() }),
    errors: [...rolloutErrors, 'CONFIRMATION_REQUIRED'],
  },
  'rollouts.abort': {
    description: 'Stops the running rollout; the active bundle stays.',
    input: z.object({ environment: environmentName }).strict(),
    output: z.object({ rollout: rolloutViewSchema }),
    errors: [...rolloutErrors],
  },
  'rollouts.differences': {
    description: 'The events the running (or last) rollout decided differently, newest first, with both outcomes.',
    input: z.object({ environment: environmentName, limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.object({ differences: z.array(rolloutDifferenceSchema) }),
    errors: [...runtimeErrors],
  },
  'runtime.trace': {
    description: "One of the runtime's traces (a tail row's, a difference's), in the trace view's form.",
    input: z.object({ environment: environmentName, traceId }).strict(),
    output: z.object({ summary: traceSummarySchema, spans: z.array(traceSpanSchema) }),
    errors: [...runtimeErrors],
  },
  'tail.start': {
    description: "Opens the environment's live tail with a filter; batches arrive as `tail.batch` events.",
    input: z.object({ environment: environmentName, filter: tailFilterSchema.default({}) }).strict(),
    output: z.object({ tailId: z.string() }),
    errors: [...runtimeErrors, 'BUSY'],
  },
  'tail.stop': {
    description: 'Closes a live tail.',
    input: z.object({ tailId: z.string().min(1).max(100) }).strict(),
    output: z.object({ stopped: z.boolean() }),
    errors: [],
  },
} as const satisfies Record<string, ChannelSpec>;
