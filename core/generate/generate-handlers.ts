import { randomInt } from 'node:crypto';
import { ContractError } from '../../shared/contract';
import type { SecretProvider } from '../../shared/engine';
import { EngineError, type EnginePool } from '../../shared/engine/node';
import { defaultRunEnvironment } from '../authoring/script-run';
import type { Handlers } from '../router';
import type { Workspace } from '../store';
import { runGenerated } from './generate-run';

// The script editor's "Generate events": the draft (saved or not) on generated events, with what
// the editor's Run gives one run: the pipeline's variables and declared secret names, and the
// chosen environment's keychain values, opened only if the script reads a secret.

/** What "Generate events" needs, and nothing more. */
export interface GenerateHandlerDeps {
  workspace(): Workspace;
  engine(): EnginePool;
  secretsFor(environment: string): SecretProvider;
}

export const defaultGeneratedCount = 200;
const maxSeed = 2 ** 31 - 1;

function lazySecrets(deps: GenerateHandlerDeps, environment: string): SecretProvider {
  let provider: SecretProvider | undefined;
  return { get: (name) => (provider ??= deps.secretsFor(environment)).get(name) };
}

export function generateHandlers(deps: GenerateHandlerDeps): Pick<Handlers, 'scripts.generate'> {
  return {
    'scripts.generate': async ({ source, hook, count, seed, environment = defaultRunEnvironment }) => {
      const workspace = deps.workspace();
      if (!workspace.environments.get(environment)) {
        throw new ContractError('INVALID_INPUT', `There is no environment "${environment}".`);
      }
      return runGenerated({
        pool: deps.engine(),
        hook,
        target: {
          kind: 'script',
          scriptId: 'draft',
          source,
          env: workspace.pipeline.env(),
          secretNames: workspace.pipeline.secrets(),
        },
        count: count ?? defaultGeneratedCount,
        seed: seed ?? randomInt(maxSeed),
        secrets: lazySecrets(deps, environment),
      }).catch((error: unknown) => {
        // The pool refuses a run only when it is saturated or shutting down: try again later.
        if (error instanceof EngineError)
          throw new ContractError('UNAVAILABLE', `The run did not start: ${error.message}.`);
        throw error;
      });
    },
  };
}
