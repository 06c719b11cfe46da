import { z } from 'zod';
import { faultsSchema } from '../engine/faults';
import { hookIdSchema } from '../hooks/definitions';
import type { ChannelSpec } from './channel-spec';

// The channels of the replay screens (issue: event library, batch replay, trace timeline, run
// comparison, exports). Long work (a replay of thousands of events) is a job: `replay.start`
// answers at once with the run's id, the UI reads `replay.progress` once and then follows the
// `replay.progress` events the core pushes (shared/contract/events.ts), and may `replay.cancel`.

const json = z.unknown();
const eventId = z.string().min(1).max(200);
const isoTime = z.string().datetime({ offset: true });

/** An event of the library as its screens show it: the recorded event of docs/formats.md plus tags and pin. */
export const storedEventSchema = z.object({
  id: z.string(),
  hook: hookIdSchema,
  at: z.string().optional(),
  source: z.string().optional(),
  pinned: z.boolean(),
  tags: z.array(z.string()),
  importedAt: z.string(),
  /** The payload exactly as recorded (what scripts.run takes as `event`). */
  event: z.record(z.string(), json),
  /** What the runtime decided or returned when it captured the event (engine/outcome.ts). */
  outcome: json.optional(),
});

/** Which library events: every filter is optional and they combine with AND. */
export const eventFilterSchema = z
  .object({
    hook: hookIdSchema.optional(),
    source: z.string().max(200).optional(),
    tag: z.string().max(100).optional(),
    pinned: z.boolean().optional(),
    /** Recorded at or after (the event's `at`; events without `at` are left out by a time filter). */
    from: isoTime.optional(),
    /** Recorded before. */
    to: isoTime.optional(),
    /** Case-insensitive text in the id or the payload. */
    text: z.string().max(200).optional(),
  })
  .strict();

const mismatch = z.object({
  summary: z.string(),
  differences: z.array(z.record(z.string(), json)),
});

/** One replayed event: the replay line of docs/formats.md (ReplayLine in engine/outcome.ts). */
export const replayLineSchema = z.object({
  id: z.string(),
  hook: hookIdSchema,
  ok: z.boolean(),
  allow: z.boolean().optional(),
  reason: z.string().optional(),
  code: z.string().optional(),
  data: z.record(z.string(), json).optional(),
  results: z.record(z.string(), json).optional(),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      line: z.number().int().optional(),
      scriptId: z.string().optional(),
    })
    .optional(),
  durationMs: z.number(),
  traceId: z.string(),
  mismatch: mismatch.nullable(),
});

const replaySummary = z.object({
  events: z.number().int(),
  allowed: z.number().int(),
  denied: z.number().int(),
  errors: z.number().int(),
  /** Enrichment and async events that succeeded: they neither allow nor deny (each event counts once). */
  enriched: z.number().int(),
  accepted: z.number().int(),
  mismatches: z.number().int(),
  eventsPerSecond: z.number(),
});

const runStatus = z.enum(['running', 'done', 'cancelled', 'failed']);

export const replayRunSchema = z.object({
  id: z.number().int(),
  status: runStatus,
  bundleHash: z.string(),
  hook: hookIdSchema.optional(),
  label: z.string().optional(),
  total: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  summary: replaySummary.optional(),
  /** Why a failed run failed (as replay.progress says it). */
  message: z.string().optional(),
  /** Whose keychain secrets the scripts read; absent on runs made before the studio recorded it (staging). */
  environment: z.string().optional(),
});

export const replayProgressSchema = z.object({
  runId: z.number().int(),
  status: runStatus,
  total: z.number().int(),
  done: z.number().int(),
  allowed: z.number().int(),
  denied: z.number().int(),
  errors: z.number().int(),
  enriched: z.number().int(),
  accepted: z.number().int(),
  mismatches: z.number().int(),
  elapsedMs: z.number(),
  /** Estimated time left; null until a few events have finished, and once the run has ended. */
  etaMs: z.number().nullable(),
  eventsPerSecond: z.number(),
  /** Why a failed run failed. */
  message: z.string().optional(),
});

const traceStatus = z.enum(['ok', 'denied', 'error']);

export const traceSummarySchema = z.object({
  traceId: z.string(),
  hook: hookIdSchema,
  status: traceStatus,
  startTimeUnixNano: z.string(),
  endTimeUnixNano: z.string(),
  durationMs: z.number(),
  rootName: z.string(),
  statusMessage: z.string().optional(),
  spanCount: z.number().int(),
  /** The library event replayed, when the trace comes from a replay. */
  eventId: z.string().optional(),
  runId: z.number().int().optional(),
});

const attributeValue = z.union([z.string(), z.number(), z.boolean()]);

export const traceSpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string(),
  kind: z.enum(['hook', 'layer', 'script', 'fetch']),
  startTimeUnixNano: z.string(),
  endTimeUnixNano: z.string(),
  status: z.object({ code: z.enum(['OK', 'ERROR', 'UNSET']), message: z.string().optional() }),
  attributes: z.record(z.string(), attributeValue),
  events: z.array(
    z.object({ name: z.string(), timeUnixNano: z.string(), attributes: z.record(z.string(), attributeValue) }),
  ),
});

const traceFilter = z
  .object({
    hook: hookIdSchema.optional(),
    status: traceStatus.optional(),
    /** Started at or after (epoch ms). */
    fromMs: z.number().optional(),
    /** Started before (epoch ms). */
    toMs: z.number().optional(),
    /** Text in logs, error messages and deny reasons (case-insensitive). */
    text: z.string().max(200).optional(),
    eventId: eventId.optional(),
    runId: z.number().int().optional(),
  })
  .strict();

/** How an event's outcome changed between two runs (or null: the same). */
const changeKind = z.enum(['decision', 'data', 'error', 'same', 'added', 'removed']);

const comparedRow = z.object({
  eventId: z.string(),
  hook: hookIdSchema,
  change: changeKind,
  /** One line for people: `allow: true → false`. */
  summary: z.string(),
  before: replayLineSchema.nullable(),
  after: replayLineSchema.nullable(),
  /** after − before, when the event is in both runs. */
  durationDeltaMs: z.number().nullable(),
});

const latency = z.object({ p50: z.number(), p95: z.number(), p99: z.number(), mean: z.number() });

const exportedFile = z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() });

export const replayChannels = {
  'events.list': {
    description: 'A page of the event library, filtered, in import order, with the number of matching events.',
    input: eventFilterSchema
      .extend({
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    output: z.object({ events: z.array(storedEventSchema), total: z.number().int() }),
    errors: ['STORE_UNAVAILABLE'],
  },
  'events.facets': {
    description: 'What the library holds, for its filters: counts per hook, sources, tags, pinned.',
    input: z.object({}).strict(),
    output: z.object({
      total: z.number().int(),
      pinned: z.number().int(),
      hooks: z.array(z.object({ hook: hookIdSchema, count: z.number().int() })),
      sources: z.array(z.string()),
      tags: z.array(z.string()),
    }),
    errors: ['STORE_UNAVAILABLE'],
  },
  'events.get': {
    description: 'One library event.',
    input: z.object({ id: eventId }).strict(),
    output: storedEventSchema,
    errors: ['NOT_FOUND', 'STORE_UNAVAILABLE'],
  },
  'events.import': {
    description:
      'Imports NDJSON or a JSON array of recorded events (docs/formats.md): bad lines are reported by number and skipped, the rest kept.',
    input: z
      .object({
        text: z.string().max(30 * 1024 * 1024),
        /** Shown in messages; not read. */
        fileName: z.string().max(500).optional(),
        /** Names this import's `import.progress` events (shared/contract/events.ts); none are pushed without it. */
        importId: z.string().min(1).max(100).optional(),
        tags: z.array(z.string().max(100)).max(20).optional(),
        pinned: z.boolean().optional(),
      })
      .strict(),
    output: z.object({
      imported: z.number().int(),
      duplicates: z.number().int(),
      /** Every bad line (at most 1000 listed; `problemCount` counts all). */
      problems: z.array(z.object({ line: z.number().int(), message: z.string() })),
      problemCount: z.number().int(),
    }),
    errors: ['STORE_UNAVAILABLE'],
  },
  'events.save': {
    description:
      'Creates (create: true) or replaces a library event from its recorded-event JSON, validated against its hook schema.',
    input: z
      .object({
        /** The recorded event of docs/formats.md: id, hook, event, and optionally at, outcome, source. */
        record: z.record(z.string(), json),
        create: z.boolean(),
      })
      .strict(),
    output: storedEventSchema,
    errors: ['INVALID_EVENT', 'CONFLICT', 'NOT_FOUND', 'STORE_UNAVAILABLE'],
  },
  'events.setPinned': {
    description: 'Pins events into the regression suite, or unpins them.',
    input: z.object({ ids: z.array(eventId).min(1).max(10_000), pinned: z.boolean() }).strict(),
    output: z.object({ changed: z.number().int() }),
    errors: ['STORE_UNAVAILABLE'],
  },
  'events.setTags': {
    description: "Replaces an event's tags.",
    input: z.object({ id: eventId, tags: z.array(z.string().max(100)).max(20) }).strict(),
    output: storedEventSchema,
    errors: ['NOT_FOUND', 'STORE_UNAVAILABLE'],
  },
  'events.acceptOutcome': {
    description: "Accepts an impact's candidate outcome as expected: it becomes the library event's recorded outcome.",
    input: z.object({ id: eventId, impactId: z.string().min(1).max(100) }).strict(),
    output: storedEventSchema,
    errors: ['NOT_FOUND', 'STORE_UNAVAILABLE'],
  },
  'events.delete': {
    description: 'Deletes events from the library (their past replay results stay).',
    input: z.object({ ids: z.array(eventId).min(1).max(10_000) }).strict(),
    output: z.object({ deleted: z.number().int() }),
    errors: ['STORE_UNAVAILABLE'],
  },
  'replay.start': {
    description:
      "Replays events through the workspace's current pipeline (the latest saved version of each script) in the engine pool; answers at once with the run.",
    input: z
      .object({
        selection: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('events'), ids: z.array(eventId).min(1).max(100_000) }).strict(),
          z.object({ kind: z.literal('pinned') }).strict(),
          z.object({ kind: z.literal('filter'), filter: eventFilterSchema }).strict(),
        ]),
        label: z.string().max(200).optional(),
        /** Whose keychain secrets helpers.secret reads (default staging). */
        environment: z.string().optional(),
        /** Faults injected into every event: a what-if replay, labelled "what-if: …" (docs/replay.md). */
        faults: faultsSchema.optional(),
      })
      .strict(),
    output: z.object({ run: replayRunSchema }),
    errors: ['NOTHING_TO_REPLAY', 'BUSY', 'PIPELINE_INVALID', 'NOT_FOUND', 'STORE_UNAVAILABLE'],
  },
  'replay.progress': {
    description: "A run's progress: counts so far, elapsed time and time left (finished runs answer their totals).",
    input: z.object({ runId: z.number().int() }).strict(),
    output: replayProgressSchema,
    errors: ['NOT_FOUND', 'STORE_UNAVAILABLE'],
  },
  'replay.cancel': {
    description: 'Stops a running replay; what finished is kept and the run is marked cancelled.',
    input: z.object({ runId: z.number().int() }).strict(),
    output: z.object({ cancelled: z.boolean() }),
    errors: ['NOT_FOUND'],
  },
  'runs.list': {
    description: 'Saved replay runs, newest first.',
    input: z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(),
    output: z.array(replayRunSchema),
    errors: ['STORE_UNAVAILABLE'],
  },
  'runs.results': {
    description: "A page of a run's results in input order, optionally only mismatches or errors.",
    input: z
      .object({
        runId: z.number().int(),
        only: z.enum(['all', 'mismatches', 'errors']).default('all'),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: z.object({
      run: replayRunSchema,
      /** Results matching `only`. */
      total: z.number().int(),
      results: z.array(z.object({ position: z.number().int(), line: replayLineSchema })),
    }),
    errors: ['NOT_FOUND', 'STORE_UNAVAILABLE'],
  },
  'runs.delete': {
    description: 'Deletes a run and its results (its traces stay until retention removes them).',
    input: z.object({ runId: z.number().int() }).strict(),
    output: z.object({ deleted: z.boolean() }),
    errors: ['BUSY', 'STORE_UNAVAILABLE'],
  },
  'runs.compare': {
    description:
      'Two runs side by side, event by event: which events changed decision or data, and latency differences.',
    input: z
      .object({
        before: z.number().int(),
        after: z.number().int(),
        only: z.enum(['changed', 'all']).default('changed'),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: z.object({
      before: replayRunSchema,
      after: replayRunSchema,
      counts: z.object({
        compared: z.number().int(),
        decision: z.number().int(),
        data: z.number().int(),
        error: z.number().int(),
        same: z.number().int(),
        added: z.number().int(),
        removed: z.number().int(),
      }),
      latency: z.object({ before: latency, after: latency }),
      /** Rows matching `only`. */
      total: z.number().int(),
      rows: z.array(comparedRow),
    }),
    errors: ['NOT_FOUND', 'STORE_UNAVAILABLE'],
  },
  'runs.export': {
    description: "A run's results as a file: JSON (the replay lines and the summary) or CSV (one row per event).",
    input: z.object({ runId: z.number().int(), format: z.enum(['json', 'csv']) }).strict(),
    output: exportedFile,
    errors: ['NOT_FOUND', 'STORE_UNAVAILABLE'],
  },
  'traces.list': {
    description: 'Stored traces, latest first, filtered; `total` counts every match for the virtualized list.',
    input: traceFilter
      .extend({
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: z.object({ traces: z.array(traceSummarySchema), total: z.number().int() }),
    errors: ['STORE_UNAVAILABLE'],
  },
  'traces.get': {
    description: 'One trace with every span (attributes, log events), its summary and, for a replay, the event.',
    input: z.object({ traceId: z.string().regex(/^[0-9a-f]{32}$/) }).strict(),
    output: z.object({ summary: traceSummarySchema, spans: z.array(traceSpanSchema) }),
    errors: ['NOT_FOUND', 'STORE_UNAVAILABLE'],
  },
  'traces.export': {
    description: 'Traces as OTLP JSON (loadable in Jaeger and other OpenTelemetry tools).',
    input: z
      .object({
        traceIds: z
          .array(z.string().regex(/^[0-9a-f]{32}$/))
          .min(1)
          .max(1000),
      })
      .strict(),
    output: exportedFile,
    errors: ['NOT_FOUND', 'STORE_UNAVAILABLE'],
  },
} as const satisfies Record<string, ChannelSpec>;
