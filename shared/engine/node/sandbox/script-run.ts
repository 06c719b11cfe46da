import { fetchFaultFor, type Faults } from '../../faults';
import { maxValueBytes, maxValueDepth } from '../../limits';
import type {
  EngineErrorCode,
  FetchRecord,
  JsonValue,
  ScriptError,
  ScriptOutcome,
  ScriptRunRequest,
} from '../../types';
import type { FetchInit, FetchResponse, GuardedFetch } from '../helpers/fetch';
import { parseSandboxJson, toBoundedJson } from './json-bounds';
import { LogCollector, redactSecrets, redactSecretsInJson, sortSecrets } from './logs';

// The state of one script run on the host side: limits and counters the engine's hook updates,
// the log, async helper calls (fetch, secret) and their records, and the outcome it all becomes.

export type LimitCode = 'TIMEOUT' | 'INSTRUCTION_LIMIT' | 'MEMORY_LIMIT';

export type { FetchInit, FetchResponse, GuardedFetch };

/** What the sandbox's helpers call outside Lua. */
export interface SandboxServices {
  /** helpers/matches.ts: throws an Error on a bad pattern. */
  matches(text: string, pattern: string): boolean;
  /** helpers/fetch.ts `createGuardedFetch()`. Absent: helpers.fetch raises FETCH_BLOCKED. */
  fetch?: GuardedFetch;
  /** A declared secret's value, undefined when none is stored. Absent: every secret is missing. */
  secret?(name: string): Promise<string | undefined>;
}

export type AsyncSettled = { ok: true; payload: string } | { ok: false; message: string };

/** How one execution in an engine ended, before it becomes a ScriptOutcome. */
export type Execution =
  | { kind: 'value'; json: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'syntax'; message: string; line?: number }
  | { kind: 'error'; message: string; line?: number }
  | { kind: 'limit'; code: LimitCode }
  | { kind: 'failure'; message: string };

export const epochNow = (): number => performance.timeOrigin + performance.now();

const responseBounds = { maxBytes: 4 * maxValueBytes, maxDepth: maxValueDepth };

// Fault hooks (docs/engine.md, "Fault injection"): a run given its job's faults answers a faulted
// fetch or secret before any connection or lookup; a run without faults never meets them.

/** What a faulted helpers.fetch answers instead of a request; undefined when no fault applies. */
function injectedFetch(faults: Faults | undefined, url: string): Promise<FetchResponse> | undefined {
  if (!faults?.fetch) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  // Any other scheme is refused by the guarded fetch without a connection, as it would be anyway.
  if (parsed.protocol !== 'https:') return undefined;
  const fault = fetchFaultFor(faults, parsed.hostname)?.fault;
  if (fault === undefined) return undefined;
  if (fault === 'error') {
    return Promise.reject(new Error(`FETCH_FAILED: ${parsed.hostname} could not be reached (injected fault)`));
  }
  // Never answers: the run's own deadline settles the call as TIMEOUT (ScriptRun.settle).
  if (fault === 'timeout') return new Promise<FetchResponse>(() => undefined);
  return Promise.resolve({ status: fault.status, headers: {}, body: '' });
}

const helperCodes = /^(FETCH_BLOCKED|FETCH_FAILED|SECRET_NOT_FOUND)\b/;

export class ScriptRun {
  readonly startPerf = performance.now();
  /** Epoch milliseconds, from the same reading as startPerf: durationMs and the deadline agree. */
  readonly startedAt = performance.timeOrigin + this.startPerf;
  /** performance.now() after which the run is a TIMEOUT. */
  readonly deadline: number;
  instructions = 0;
  tripped: LimitCode | undefined;
  memoryPeak = 0;
  readonly logs: LogCollector;
  private readonly fetches: FetchRecord[] = [];
  private readonly openFetches = new Set<FetchRecord>();
  private readonly pending = new Map<number, Promise<AsyncSettled>>();
  private nextAsyncId = 1;
  private readonly secretValues = new Set<string>();
  /** Codes of helper errors raised in this run: an uncaught one becomes the outcome's code. */
  private readonly raisedCodes = new Set<string>();
  private readonly faults: Faults | undefined;

  constructor(
    readonly request: ScriptRunRequest,
    private readonly services: SandboxServices,
    faults?: Faults,
  ) {
    const { limits } = request;
    this.faults = faults;
    this.deadline = this.startPerf + limits.timeoutMs;
    this.logs = new LogCollector(limits.maxLogEntries, limits.maxLogBytes, this.startPerf, () => performance.now());
  }

  /** The deadline as the watchdog reads it from the execution slot (epoch milliseconds). */
  get deadlineEpoch(): number {
    return performance.timeOrigin + this.deadline;
  }

  /** Starts helpers.fetch or helpers.secret; an error is raised in the script at once. */
  startAsync(kind: string, first: string, second: string | undefined): { id: number } | { error: string } {
    const started = kind === 'fetch' ? this.startFetch(first, second ?? 'null') : this.startSecret(first);
    if ('error' in started) return started;
    const id = this.nextAsyncId++;
    this.pending.set(id, started.promise);
    return { id };
  }

  /** The result of an async helper call, or 'timeout' when the run's deadline comes first. */
  async settle(id: number): Promise<AsyncSettled | 'timeout'> {
    const promise = this.pending.get(id);
    this.pending.delete(id);
    if (!promise) return { ok: false, message: 'internal error: unknown helper call' };
    const remaining = this.deadline - performance.now();
    if (remaining <= 0) return 'timeout';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), remaining);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private startFetch(url: string, initJson: string): { promise: Promise<AsyncSettled> } | { error: string } {
    const fetch = this.services.fetch;
    if (!fetch) return this.raise('FETCH_BLOCKED', 'FETCH_BLOCKED: helpers.fetch is not available here');
    const init = parseFetchInit(initJson);
    if (typeof init === 'string') return { error: `helpers.fetch: ${init}` };
    const remaining = Math.max(1, this.deadline - performance.now());
    init.timeoutMs = Math.min(init.timeoutMs ?? remaining, remaining);
    const record: FetchRecord = {
      url,
      method: (init.method ?? 'GET').toUpperCase(),
      startedAt: epochNow(),
      durationMs: 0,
    };
    this.fetches.push(record);
    this.openFetches.add(record);
    const done = () => {
      record.durationMs = Math.max(0, epochNow() - record.startedAt);
      this.openFetches.delete(record);
    };
    const promise = (injectedFetch(this.faults, url) ?? Promise.resolve().then(() => fetch(url, init))).then(
      (response): AsyncSettled => {
        done();
        record.status = response.status;
        const { status, headers, body, json } = response;
        let encoded = toBoundedJson(
          json === undefined ? { status, headers, body } : { status, headers, body, json },
          responseBounds,
          'response',
        );
        if (!encoded.ok && json !== undefined)
          encoded = toBoundedJson({ status, headers, body }, responseBounds, 'response');
        if (!encoded.ok) return this.fail('FETCH_FAILED', `FETCH_FAILED: ${encoded.message}`, record);
        return { ok: true, payload: encoded.json };
      },
      (thrown: unknown): AsyncSettled => {
        done();
        const message = thrown instanceof Error ? thrown.message : String(thrown);
        const code = message.startsWith('FETCH_BLOCKED') ? 'FETCH_BLOCKED' : 'FETCH_FAILED';
        return this.fail(code, message.startsWith(code) ? message : `${code}: ${message}`, record);
      },
    );
    return { promise };
  }

  private startSecret(name: string): { promise: Promise<AsyncSettled> } | { error: string } {
    const shown = JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}...` : name);
    if (!this.request.secretNames.includes(name)) {
      return this.raise('SECRET_NOT_FOUND', `SECRET_NOT_FOUND: secret ${shown} is not declared by this pipeline`);
    }
    const missing = `SECRET_NOT_FOUND: secret ${shown} has no stored value`;
    const source = this.services.secret;
    if (!source || this.faults?.secrets?.includes(name))
      return { promise: Promise.resolve(this.fail('SECRET_NOT_FOUND', missing)) };
    const promise = Promise.resolve()
      .then(() => source(name))
      .then(
        (value): AsyncSettled => {
          if (value === undefined) return this.fail('SECRET_NOT_FOUND', missing);
          this.secretValues.add(value);
          return { ok: true, payload: value };
        },
        (): AsyncSettled => this.fail('SECRET_NOT_FOUND', `SECRET_NOT_FOUND: secret ${shown} could not be read`),
      );
    return { promise };
  }

  private raise(code: EngineErrorCode, message: string): { error: string } {
    this.raisedCodes.add(code);
    return { error: message };
  }

  private fail(code: EngineErrorCode, message: string, record?: FetchRecord): AsyncSettled {
    this.raisedCodes.add(code);
    if (record) record.error = { code, message };
    return { ok: false, message };
  }

  /**
   * The outcome; secret values read in this run are masked in logs, errors, fetch records and the
   * result. A run that ended after its deadline is a TIMEOUT whatever it returned (the last thing
   * it did may have been a C call that no hook interrupts): the limit is strict, and the watchdog's
   * grace only decides when a stuck engine is stopped.
   */
  finish(ended: Execution): ScriptOutcome {
    const now = epochNow();
    const durationMs = Math.max(0, now - this.startedAt);
    const overtime = durationMs > this.request.limits.timeoutMs && endedByScript(ended);
    const execution: Execution = overtime ? { kind: 'limit', code: 'TIMEOUT' } : ended;
    for (const record of this.openFetches) {
      record.durationMs = Math.max(0, now - record.startedAt);
      record.error = { code: 'TIMEOUT', message: 'the script ended before the response arrived' };
    }
    const secrets = sortSecrets(this.secretValues);
    const clean = (text: string) => (secrets.length > 0 ? redactSecrets(text, secrets) : text);
    const { error, value } = this.result(execution);
    const outcome: ScriptOutcome = {
      scriptId: this.request.script.id,
      ok: error === undefined,
      logs: this.logs.entries.map((entry) => ({ ...entry, message: clean(entry.message) })),
      instructions: this.instructions,
      memoryPeakBytes: this.memoryPeak,
      startedAt: this.startedAt,
      durationMs,
      fetches: this.fetches.map((record) => {
        const copy: FetchRecord = { ...record, url: clean(record.url) };
        if (record.error) copy.error = { ...record.error, message: clean(record.error.message) };
        return copy;
      }),
    };
    if (error) outcome.error = { ...error, message: clean(error.message) };
    else outcome.value = secrets.length > 0 ? redactSecretsInJson(value ?? null, secrets) : (value ?? null);
    const dropped = this.logs.dropped;
    if (dropped) outcome.logsDropped = dropped;
    return outcome;
  }

  private result(execution: Execution): { error?: ScriptError; value?: JsonValue } {
    const { limits } = this.request;
    switch (execution.kind) {
      case 'value':
        try {
          return { value: parseSandboxJson(execution.json) };
        } catch {
          return { error: { code: 'INVALID_RESULT', message: 'the result could not be read as JSON' } };
        }
      case 'invalid':
        return { error: { code: 'INVALID_RESULT', message: execution.message } };
      case 'syntax':
        return { error: withLine({ code: 'SYNTAX_ERROR', message: execution.message }, execution.line) };
      case 'error': {
        const named = helperCodes.exec(execution.message.replace(/^script:\d+: /, ''))?.[1];
        const code: EngineErrorCode =
          named && this.raisedCodes.has(named) ? (named as EngineErrorCode) : 'RUNTIME_ERROR';
        return { error: withLine({ code, message: execution.message }, execution.line) };
      }
      case 'limit':
        return { error: { code: execution.code, message: limitMessage(execution.code, limits) } };
      case 'failure':
        return { error: { code: 'RUNTIME_ERROR', message: execution.message } };
    }
  }
}

/** The script ended by itself (a result or an error), not stopped by a limit or a failure. */
function endedByScript(execution: Execution): boolean {
  return execution.kind === 'value' || execution.kind === 'invalid' || execution.kind === 'error';
}

/** The outcome of a run that failed before or outside Lua (no logs, no counters). */
export function failedOutcome(scriptId: string, error: ScriptError, startedAt = epochNow()): ScriptOutcome {
  return {
    scriptId,
    ok: false,
    error,
    logs: [],
    instructions: 0,
    memoryPeakBytes: 0,
    startedAt,
    durationMs: Math.max(0, epochNow() - startedAt),
    fetches: [],
  };
}

function withLine(error: ScriptError, line: number | undefined): ScriptError {
  if (line !== undefined) error.line = line;
  return error;
}

function limitMessage(code: LimitCode, limits: ScriptRunRequest['limits']): string {
  if (code === 'TIMEOUT') return `the script ran longer than ${limits.timeoutMs} ms`;
  if (code === 'INSTRUCTION_LIMIT') return `the script ran more than ${limits.instructionBudget} instructions`;
  return `the script needed more than ${limits.memoryBytes} bytes of memory`;
}

/** Options of helpers.fetch as the sandbox's encoder wrote them; a string says what is wrong. */
function parseFetchInit(json: string): FetchInit | string {
  const raw: unknown = JSON.parse(json);
  if (raw === null) return {};
  const options = raw as Record<string, unknown>;
  const init: FetchInit = {};
  if (options.method !== undefined) {
    if (typeof options.method !== 'string') return 'options.method must be a string';
    init.method = options.method;
  }
  if (options.headers !== undefined) {
    const headers = options.headers;
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
      return 'options.headers must be a table';
    const entries = Object.entries(headers);
    if (entries.some(([, v]) => typeof v !== 'string')) return 'options.headers values must be strings';
    init.headers = Object.fromEntries(entries) as Record<string, string>;
  }
  if (options.body !== undefined) {
    if (typeof options.body !== 'string') return 'options.body must be a string';
    init.body = options.body;
  }
  if (options.timeoutMs !== undefined) {
    if (typeof options.timeoutMs !== 'number' || !(options.timeoutMs > 0))
      return 'options.timeoutMs must be a positive number';
    init.timeoutMs = options.timeoutMs;
  }
  return init;
}
