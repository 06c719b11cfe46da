import { z } from 'zod';
import { maxTimeoutMs } from '../shared/engine';

// The runtime's configuration: a JSON file (`--config`) or the `config` option of createRuntime,
// validated here; every field has a default, unknown keys are refused (a typo must not silently
// fall back to a default). Times are milliseconds.

const hour = 3_600_000;
const deadline = (fallback: number) => z.number().int().min(1).max(60_000).default(fallback);

export const redactionSchema = z.strictObject({
  /** `mask`: first character + `***` (`a***@example.com`); `hash`: `h_<12 hex of SHA-256>`; `keep`. */
  emails: z.enum(['mask', 'hash', 'keep']).default('mask'),
  /** `truncate`: IPv4 to its /24, IPv6 to its /48; `drop`: removed; `keep`. */
  ips: z.enum(['truncate', 'drop', 'keep']).default('truncate'),
  /**
   * Extra keys whose values are dropped wherever they appear (compared without case, `-`, `_`, `.`
   * or spaces), whatever the value; an object under a key the built-in vocabulary calls a holder
   * (`token`, `session`…) is walked instead. The built-in vocabulary (runtime/capture/redaction-keys.ts,
   * docs/runtime.md) always applies on top: this list cannot make redaction weaker.
   */
  dropKeys: z.array(z.string().min(1)).default([]),
  /** Dotted paths dropped from the event (`user.metadata.ssn`, `request.headers`); `*` matches one key. */
  dropPaths: z.array(z.string().min(1)).default([]),
});

export const runtimeConfigSchema = z.strictObject({
  /** Recorded as `source` on captured events (docs/formats.md), e.g. the environment's name. */
  source: z.string().min(1).max(100).default('runtime'),
  /**
   * Wall-clock budget of one invocation per hook mode. Each script's own limit is also capped to it
   * (min of the script's timeoutMs and the deadline); when the whole pipeline passes it, the answer
   * follows the scripts' onError (blocking) or adds nothing (enrichment).
   */
  deadlines: z
    .strictObject({
      blockingMs: deadline(2000),
      enrichmentMs: deadline(2000),
      asyncMs: deadline(maxTimeoutMs),
    })
    .prefault({}),
  capture: z
    .strictObject({
      /** Share of invocations captured as recorded events, 0..1 (traces are kept for every one). */
      sampleRate: z.number().min(0).max(1).default(1),
      redaction: redactionSchema.prefault({}),
      /** A batch is written at most this often… */
      flushIntervalMs: z.number().int().min(1).max(60_000).default(100),
      /** …or when this many items wait. */
      batchSize: z.number().int().min(1).max(10_000).default(100),
      /** Items waiting beyond this are dropped (and counted): capture never holds back an answer. */
      maxPending: z.number().int().min(1).max(1_000_000).default(20_000),
    })
    .prefault({}),
  retention: z
    .strictObject({
      maxEvents: z.number().int().min(0).default(100_000),
      eventMaxAgeMs: z
        .number()
        .int()
        .min(0)
        .default(7 * 24 * hour),
      maxTraces: z.number().int().min(0).default(20_000),
      traceMaxAgeMs: z
        .number()
        .int()
        .min(0)
        .default(24 * hour),
      /** How often old rows are deleted. */
      pruneIntervalMs: z.number().int().min(1000).default(60_000),
    })
    .prefault({}),
  /** Repeated authentication failures from one address: `max` in `windowMs` → 429 until the window ends. */
  authFailures: z
    .strictObject({
      max: z.number().int().min(1).default(10),
      windowMs: z.number().int().min(1000).default(60_000),
    })
    .prefault({}),
  /** Rollouts (docs/rollouts.md). */
  rollouts: z
    .strictObject({
      /**
       * Shadow runs in flight at once; one more is skipped and counted (`shadowSkipped`), so that a
       * shadow never queues ahead of real answers. Default: the engine's worker count.
       */
      shadowConcurrency: z.number().int().min(1).max(256).optional(),
      /** How often this instance writes its counts and reads the other instances' (the guard's lag). */
      countsIntervalMs: z.number().int().min(100).max(60_000).default(1000),
      /** Differences kept per rollout, the newest. */
      differencesKept: z.number().int().min(1).max(100_000).default(1000),
    })
    .prefault({}),
  /** Engine worker threads; default one per core. */
  workers: z.number().int().min(1).max(64).optional(),
});

export type RuntimeConfig = z.output<typeof runtimeConfigSchema>;
export type RuntimeConfigInput = z.input<typeof runtimeConfigSchema>;
export type RedactionPolicy = z.output<typeof redactionSchema>;

export class RuntimeConfigError extends Error {
  override name = 'RuntimeConfigError';
  constructor(readonly problems: { where: string; message: string }[]) {
    super(`invalid runtime configuration: ${problems.map((p) => `${p.where}: ${p.message}`).join('; ')}`);
  }
}

export function parseRuntimeConfig(input: unknown): RuntimeConfig {
  const parsed = runtimeConfigSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new RuntimeConfigError(
    parsed.error.issues.map((issue) => ({ where: issue.path.join('.') || '(config)', message: issue.message })),
  );
}
