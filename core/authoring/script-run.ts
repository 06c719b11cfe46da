import { ContractError, type ChannelOutput } from '../../shared/contract';
import { isPlainObject, type JsonObject, type ScriptOutcome } from '../../shared/engine';
import { validateEvent, type HookId } from '../../shared/hooks';
import { EngineError } from '../../shared/engine/node';
import type { Handlers } from '../router';
import { judgeScriptRun, runSingleScript } from './run-script';
import type { SecretLease } from './environment-secrets';
import type { StudioServices } from './services';

// The editor's Run: the text in the editor (saved or not) on one event, in the sandbox, judged as
// the CLI's `run` judges it. The run sees what the pipeline would give it: its variables, its
// declared secret names, and the values of the chosen environment's keychain (staging unless told
// otherwise). The keychain is read only when the script calls helpers.secret, so a machine without
// one runs every script that needs no secret.

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

/** A secret that could not be read because of the keychain says so, not "has no stored value". */
function explainKeychainFailure(outcome: ScriptOutcome, lease: SecretLease): ScriptOutcome {
  const error = outcome.error;
  if (!lease.keychainFailure || error?.code !== 'SECRET_NOT_FOUND' || !/has no stored value/.test(error.message)) {
    return outcome;
  }
  const message = error.message.replace('has no stored value', `could not be read: ${lease.keychainFailure}`);
  return { ...outcome, error: { ...error, message } };
}

export function scriptRunHandlers(services: StudioServices): Pick<Handlers, 'scripts.run'> {
  return {
    'scripts.run': async ({ source, hook, event, environment = defaultRunEnvironment }) => {
      const workspace = services.workspace();
      const payload = eventFor(hook, event);
      if (!workspace.environments.get(environment)) {
        throw new ContractError('INVALID_INPUT', `There is no environment "${environment}".`);
      }
      const env = workspace.pipeline.env();
      const secretNames = workspace.pipeline.secrets();
      const pool = services.engine();
      const judged = await services.environmentSecrets
        .run(environment, async (lease) => {
          const outcome = await runSingleScript({
            pool,
            scriptId: 'draft',
            source,
            hook,
            event: payload,
            env,
            secretNames,
          });
          return judgeScriptRun(hook, explainKeychainFailure(outcome, lease));
        })
        .catch((error: unknown) => {
          // The pool refuses a run only when it is saturated or shutting down: try again later.
          if (error instanceof EngineError)
            throw new ContractError('UNAVAILABLE', `The run did not start: ${error.message}.`);
          throw error;
        });
      const result: RunResult = {
        ok: judged.ok,
        hook,
        decision: judged.decision,
        result: judged.result,
        error: judged.error,
        logs: judged.logs,
        durationMs: judged.durationMs,
        instructions: judged.instructions,
      };
      if (judged.logsDropped) result.logsDropped = judged.logsDropped;
      return result;
    },
  };
}
