// The engine's vocabulary, shared by the pure pipeline code (this folder), the Node-side sandbox and
// worker pool (./node), the CLI, the studio core and the runtime. Plain data only: every value here
// crosses a worker boundary or goes into a JSON file.

import type { HookId, HookMode } from '../hooks/definitions';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The error codes of docs/formats.md ("Error codes"); QUEUE_FULL is a saturated pool's. */
export const engineErrorCodes = [
  'SYNTAX_ERROR',
  'RUNTIME_ERROR',
  'TIMEOUT',
  'INSTRUCTION_LIMIT',
  'MEMORY_LIMIT',
  'SCRIPT_TOO_LARGE',
  'INVALID_RESULT',
  'INVALID_EVENT',
  'FETCH_BLOCKED',
  'FETCH_FAILED',
  'SECRET_NOT_FOUND',
  'PIPELINE_INVALID',
  'QUEUE_FULL',
] as const;
export type EngineErrorCode = (typeof engineErrorCodes)[number];

export interface ScriptError {
  code: EngineErrorCode;
  message: string;
  /** 1-based line in the script's source, for SYNTAX_ERROR and RUNTIME_ERROR when known. */
  line?: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  level: LogLevel;
  message: string;
  /** Milliseconds since the script started. */
  t: number;
}

export type OnError = 'deny' | 'allow';

/** Limits of one script run. Defaults in ./limits.ts. */
export interface ScriptLimits {
  timeoutMs: number;
  instructionBudget: number;
  memoryBytes: number;
  maxSourceBytes: number;
  maxLogEntries: number;
  maxLogBytes: number;
}

/** A script as the engine runs it: its text and how the pipeline treats its failures. */
export interface ScriptUnit {
  id: string;
  source: string;
  /** SHA-256 (hex) of the source: the identity shown in traces and versions. */
  contentHash: string;
  timeoutMs?: number;
  onError?: OnError;
}

/** What one script sees as `ctx`. */
export interface ScriptContext {
  hook: HookId;
  data: JsonObject;
  results: Record<string, JsonValue>;
  env: Record<string, string>;
}

export interface FetchRecord {
  url: string;
  method: string;
  status?: number;
  /** Epoch milliseconds (fractional). */
  startedAt: number;
  durationMs: number;
  error?: ScriptError;
}

/** What one script run produced, success or not. */
export interface ScriptOutcome {
  scriptId: string;
  ok: boolean;
  value?: JsonValue;
  error?: ScriptError;
  logs: LogEntry[];
  /** Set when the log cap dropped entries: how many and how many bytes were dropped. */
  logsDropped?: { entries: number; bytes: number };
  instructions: number;
  memoryPeakBytes: number;
  /** Epoch milliseconds (fractional). */
  startedAt: number;
  durationMs: number;
  fetches: FetchRecord[];
}

/** The decision of a pipeline run, per the hook's mode. */
export interface PipelineResult {
  hook: HookId;
  mode: HookMode;
  /** false when the pipeline failed (a script error or limit); see `error`. */
  ok: boolean;
  /** Blocking hooks: the decision. */
  allow?: boolean;
  reason?: string;
  code?: string;
  /** Enrichment hooks: the merged data. */
  data?: JsonObject;
  /** Every script's return value (null when it returned nothing or failed). */
  results: Record<string, JsonValue>;
  /** The first script failure, when there was one. */
  error?: ScriptError & { scriptId?: string };
  warnings: string[];
  durationMs: number;
  traceId: string;
  scripts: ScriptOutcome[];
}

// ---- Traces: OpenTelemetry-shaped, so that they export to OTLP JSON without reshaping.

export type SpanKind = 'hook' | 'layer' | 'script' | 'fetch';
export type AttributeValue = string | number | boolean;

export interface SpanEvent {
  name: string;
  /** Nanoseconds since the epoch, as a decimal string (OTLP JSON form). */
  timeUnixNano: string;
  attributes: Record<string, AttributeValue>;
}

export interface TraceSpan {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  status: { code: 'OK' | 'ERROR' | 'UNSET'; message?: string };
  attributes: Record<string, AttributeValue>;
  events: SpanEvent[];
}

export interface Trace {
  traceId: string;
  hook: HookId;
  /** The root span first. */
  spans: TraceSpan[];
}

/** Where finished traces go (the workspace stores them; the CLI may print or drop them). */
export interface TraceSink {
  write(trace: Trace): void | Promise<void>;
}

/** Reads a declared secret's value. The keychain-backed one comes with the workspace. */
export interface SecretProvider {
  /** undefined when no value is stored under that name. */
  get(name: string): Promise<string | undefined>;
}

// ---- Running scripts and pipelines

/** One script run: what the sandbox needs, all of it plain data. */
export interface ScriptRunRequest {
  script: ScriptUnit;
  hook: HookId;
  /** The payload; the runner gives the script its own copy. */
  event: JsonObject;
  ctx: ScriptContext;
  limits: ScriptLimits;
  /** The secret names the pipeline declares; `helpers.secret` refuses any other. */
  secretNames: readonly string[];
}

/** Runs one script; the Lua sandbox in a worker implements it, tests may use a plain function. */
export interface ScriptRunner {
  run(request: ScriptRunRequest): Promise<ScriptOutcome>;
}

/** What runs for one hook: layers in order, the scripts of a layer concurrently. Plain data. */
export interface ExecutionPlan {
  /** Identifies the plan for caching in workers: `${bundleHash}:${hook}`. */
  key: string;
  hook: HookId;
  mode: HookMode;
  layers: ScriptUnit[][];
  env: Record<string, string>;
  secretNames: string[];
  /** Limits shared by every script of the plan; a script's own timeoutMs overrides timeoutMs. */
  limits: ScriptLimits;
}

/** Injected so that pipelines are deterministic under test. */
export interface EngineClock {
  /** Epoch milliseconds, fractional (performance.timeOrigin + performance.now()). */
  now(): number;
}
export interface IdSource {
  traceId(): string;
  spanId(): string;
}
