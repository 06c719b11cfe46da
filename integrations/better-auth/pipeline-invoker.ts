import { APIError } from 'better-auth/api';
import type { HookId } from '../../shared/hooks';
import { capEvent } from './end-user-caps';
import type { RuntimeCaller } from './runtime-caller';

// The three hook modes, as better-auth sees them:
// - blocking (`.before`): the request waits; a deny throws an APIError carrying the script's reason
//   and code; a runtime that cannot answer denies (503) unless the hook's failure mode says allow;
// - enrichment (`.enrich`): the request waits for the data; a runtime that cannot answer gives no
//   data and the request goes on;
// - async (`.after`): fired and never awaited by the request; failures are only logged.
// Every event is capped first (end-user-caps.ts): its text comes from end users.

export type FailureMode = 'deny' | 'allow';

export interface PipelineLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface InvokerOptions {
  caller: RuntimeCaller;
  failureMode(hook: HookId): FailureMode;
  logger: PipelineLogger;
}

/** The error code of a deny whose script gave none. */
export const deniedCode = 'PIPELINE_DENIED';
/** The error code when the runtime could not decide and the failure mode is deny. */
export const unavailableCode = 'PIPELINE_UNAVAILABLE';

export class PipelineInvoker {
  constructor(private readonly options: InvokerOptions) {}

  /** Resolves when allowed; throws an APIError when denied. */
  async blocking(hook: HookId, event: Record<string, unknown>): Promise<void> {
    let answer;
    try {
      answer = await this.options.caller.call(hook, capEvent(event));
    } catch (error) {
      const mode = this.options.failureMode(hook);
      this.options.logger.error(
        `pipeline-studio: ${describe(error)}; ${hook} ${mode === 'allow' ? 'allowed' : 'denied'} (failure mode "${mode}")`,
      );
      if (mode === 'allow') return;
      throw new APIError('SERVICE_UNAVAILABLE', {
        message: `This request cannot be checked right now (${hook}); please try again later.`,
        code: unavailableCode,
      });
    }
    if (answer.error) {
      this.options.logger.warn(
        `pipeline-studio: ${hook} pipeline error ${answer.error.code}${answer.error.script ? ` in "${answer.error.script}"` : ''} (trace ${answer.traceId ?? '?'})`,
      );
    }
    if (answer.allow === false) {
      throw new APIError('FORBIDDEN', {
        message: answer.reason ?? `Refused by the ${hook} pipeline.`,
        code: answer.code ?? deniedCode,
        ...(answer.traceId ? { traceId: answer.traceId } : {}),
      });
    }
  }

  /** The merged enrichment data; `{}` when the runtime cannot answer. */
  async enrichment(hook: HookId, event: Record<string, unknown>): Promise<Record<string, unknown>> {
    try {
      const answer = await this.options.caller.call(hook, capEvent(event));
      if (answer.error) {
        this.options.logger.warn(
          `pipeline-studio: ${hook} pipeline error ${answer.error.code} (trace ${answer.traceId ?? '?'})`,
        );
      }
      return answer.data && typeof answer.data === 'object' ? answer.data : {};
    } catch (error) {
      this.options.logger.error(`pipeline-studio: ${describe(error)}; ${hook} continues without data`);
      return {};
    }
  }

  /**
   * Fire and forget: the event is built and sent without the caller waiting. `build` may read the
   * database (e.g. the user of a session); it runs in the background too.
   */
  fire(hook: HookId, build: () => Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined) {
    void (async () => {
      const event = await build();
      if (event) await this.options.caller.call(hook, capEvent(event));
    })().catch((error: unknown) => {
      this.options.logger.error(`pipeline-studio: ${describe(error)}; ${hook} was not recorded`);
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
