import { ContractError, type ChannelOutput } from '../../shared/contract';
import { isPlainObject, type JsonObject, type ScriptOutcome, type SecretProvider } from '../../shared/engine';
import { EngineError, type EnginePool } from '../../shared/engine/node';
import { validateEvent, type HookId } from '../../shared/hooks';
import type { Handlers } from '../router';
import type { Workspace } from '../store';
import { judgeScriptRun, runSingleScript } from './run-script';

// The editor's Run: the text in the editor (saved or not) on one event, in the sandbox, judged as
// the CLI's `run` judges it. The run sees what the pipeline would give it: its variables, its
// declared secret names, and the values of the chosen environment's keychain (staging unless told
// otherwise), through a provider of that run's own: runs of different environments go side by
// side on the editor's pool and none reads another's values. The keychain is read only when the
// script calls helpers.secret, so a machine without one runs every script that needs no secret.
// The draft runs as a pipeline of one layer, so the answer carries the run's trace.

/** What the editor's Run needs, and nothing more. */
export interface ScriptRunDeps {
  workspace(): Workspace;
  engine(): EnginePool;
  /** The keychain-backed values of one environment. */
  secretsFor(environment: string): SecretProvider;
}

export const defaultRunEnvironment = 'staging';

type RunResult = ChannelOutput<'scripts.run'>;

/** The event as plain JSON (what a runtime would send), checked against the hook's schema. */
function eventFor(hook: HookId, event: Record<string, unknown>): JsonObject {
  const validation = validateEvent(hook, event);
  if (!validation.ok) throw new ContractError('INVALID_EVENT', validation.message);
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(event));
  } catch {
    throw new ContractError('INVALID_EVENT', 'INVALID_EVENT: the event is not plain JSON');
  }
  if (!isPlainObject(copy)) throw new ContractError('INVALID_EVENT', 'INVALID_EVENT: the event must be an object');
  return copy;
}

/**
 * One run's view of an environment's secrets: opened on the first helpers.secret, and remembering
 * why the keychain failed, if it did (the pool reads a failed lookup as a missing value).
 */
function runSecrets(deps: ScriptRunDeps, environment: string) {
  let provider: SecretProvider | undefined;
  const reader = {
    keychainFailure: undefined as string | undefined,
    provider: {
      get: async (name: string) => {
        try {
          provider ??= deps.secretsFor(environment);
          return await provider.get(name);
        } catch (error) {
          reader.keychainFailure = error instanceof Error ? error.message : String(error);
          throw error;
        }
      },
    } satisfies SecretProvider,
  };
  return reader;
}

/** A secret that could not be read because of the keychain says so, not "has no stored value". */
function explainKeychainFailure(outcome: ScriptOutcome, keychainFailure: string | undefined): ScriptOutcome {
  const error = outcome.error;
  if (!keychainFailure || error?.code !== 'SECRET_NOT_FOUND' || !/has no stored value/.test(error.message)) {
    return outcome;
  }
  const message = error.message.replace('has no stored value', `could not be read: ${keychainFailure}`);
  return { ...outcome, error: { ...error, message } };
}

export function scriptRunHandlers(deps: ScriptRunDeps): Pick<Handlers, 'scripts.run'> {
  return {
    'scripts.run': async ({ source, hook, event, environment = defaultRunEnvironment }) => {
      const workspace = deps.workspace();
      const payload = eventFor(hook, event);
      if (!workspace.environments.get(environment)) {
        throw new ContractError('INVALID_INPUT', `There is no environment "${environment}".`);
      }
      const secrets = runSecrets(deps, environment);
      const ran = await runSingleScript({
        pool: deps.engine(),
        scriptId: 'draft',
        source,
        hook,
        event: payload,
        env: workspace.pipeline.env(),
        secretNames: workspace.pipeline.secrets(),
        secrets: secrets.provider,
      }).catch((error: unknown) => {
        // The pool refuses a run only when it is saturated or shutting down: try again later.
        if (error instanceof EngineError)
          throw new ContractError('UNAVAILABLE', `The run did not start: ${error.message}.`);
        throw error;
      });
      const judged = judgeScriptRun(hook, explainKeychainFailure(ran.outcome, secrets.keychainFailure));
      const result: RunResult = {
        ok: judged.ok,
        hook,
        decision: judged.decision,
        result: judged.result,
        error: judged.error,
        logs: judged.logs,
        durationMs: judged.durationMs,
        instructions: judged.instructions,
        trace: ran.trace,
      };
      if (judged.logsDropped) result.logsDropped = judged.logsDropped;
      return result;
    },
  };
}
