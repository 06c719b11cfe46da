import type { HookId } from '../../shared/hooks';
import type { Runtime } from '../../runtime';

// How the plugin reaches a Pipeline Studio runtime: in-process (the library's `runHook`) or over
// HTTP (`POST /v1/hooks/{hookId}`, docs/runtime.md). Either way a call is bounded by a timeout, so
// that a stuck runtime becomes "unavailable" (and the hook's failure mode applies) instead of a
// sign-in that never returns.

/** The part of a runtime's answer the plugin acts on (runtime/invoke.ts HookAnswer). */
export interface PipelineAnswer {
  allow?: boolean;
  reason?: string;
  code?: string;
  data?: Record<string, unknown>;
  accepted?: boolean;
  error?: { code: string; script?: string };
  traceId?: string;
  /** The bundle version that decided (during a canary, possibly the candidate's); null: none active. */
  version?: number | null;
}

export interface RuntimeCaller {
  call(hook: HookId, event: Record<string, unknown>): Promise<PipelineAnswer>;
}

export class RuntimeUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeUnavailableError';
  }
}

/** An embedded runtime (createRuntime from runtime/index.ts); only its runHook is used. */
export function embeddedCaller(runtime: Pick<Runtime, 'runHook'>, timeoutMs: number): RuntimeCaller {
  return {
    call: (hook, event) => withTimeout(runtime.runHook(hook, event) as Promise<PipelineAnswer>, timeoutMs, hook),
  };
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(hostname: string): boolean {
  return loopbackHosts.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * A runtime served over HTTP. Plain http is accepted for loopback only (the runtime's own TLS
 * rule, so that the invoke token never crosses a network in clear text).
 */
export function remoteCaller(url: string, token: string, timeoutMs: number): RuntimeCaller {
  const base = new URL(url);
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopback(base.hostname))) {
    throw new Error(`pipelineStudio: the runtime URL must be https:// (plain http only to a loopback host): ${url}`);
  }
  const root = base.href.replace(/\/+$/, '');
  return {
    async call(hook, event) {
      let response: Response;
      try {
        response = await fetch(`${root}/v1/hooks/${encodeURIComponent(hook)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ event }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        throw new RuntimeUnavailableError(
          timedOut
            ? `the runtime did not answer ${hook} within ${timeoutMs} ms`
            : `the runtime could not be reached for ${hook}: ${networkReason(error)}`,
          { cause: error },
        );
      }
      const text = await response.text().catch(() => '');
      if (response.status !== 200 && response.status !== 202) {
        throw new RuntimeUnavailableError(
          `the runtime answered ${hook} with HTTP ${response.status}: ${errorCode(text)}`,
        );
      }
      try {
        return JSON.parse(text) as PipelineAnswer;
      } catch {
        throw new RuntimeUnavailableError(`the runtime's answer to ${hook} is not JSON`);
      }
    },
  };
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function errorCode(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
    return [parsed.error?.code, parsed.error?.message].filter(Boolean).join(': ') || 'no error body';
  } catch {
    return 'no error body';
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, hook: HookId): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RuntimeUnavailableError(`the runtime did not answer ${hook} within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (error) {
    if (error instanceof RuntimeUnavailableError) throw error;
    throw new RuntimeUnavailableError(
      `the runtime failed on ${hook}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}
