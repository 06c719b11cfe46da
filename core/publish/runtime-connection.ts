import { ContractError } from '../../shared/contract';
import type { RuntimeTokenStore } from '../secrets';
import type { Environment, Workspace } from '../store';
import { RuntimeClient, RuntimeRequestError } from './runtime-client';

// An environment's runtime as the publish channels and events.pull reach it: the environment
// (NOT_FOUND), its runtime URL (NO_RUNTIME_URL) and its token from the keychain (NO_TOKEN), each
// refused with a message that says how to set it, before any request leaves.

export interface RuntimeConnectionDeps {
  workspace(): Workspace;
  runtimeTokens(): RuntimeTokenStore;
}

export interface RuntimeConnection {
  environment: Environment;
  client: RuntimeClient;
}

/** The connection to an environment's runtime, or the channel's error. */
export type ConnectRuntime = (name: string) => RuntimeConnection;

export function runtimeConnector(deps: RuntimeConnectionDeps): ConnectRuntime {
  return (name) => {
    const environment = deps.workspace().environments.get(name);
    if (!environment) throw new ContractError('NOT_FOUND', `There is no environment "${name}".`);
    if (environment.runtimeUrl === undefined) {
      throw new ContractError(
        'NO_RUNTIME_URL',
        `Environment "${name}" has no runtime URL: set it (pipeline-studio env add ${name} --url …, or the Environments screen).`,
      );
    }
    const token = deps.runtimeTokens().get(name);
    if (token === null) {
      throw new ContractError(
        'NO_TOKEN',
        `No runtime token is stored for "${name}": store one (pipeline-studio env token ${name}, or the Environments screen).`,
      );
    }
    return { environment, client: new RuntimeClient(environment.runtimeUrl, token, name) };
  };
}

/** The runtime's secret names, or null when the token may not list them (no secrets:write scope). */
export async function runtimeSecretNames(client: RuntimeClient): Promise<Set<string> | null> {
  try {
    return new Set(await client.secretNames());
  } catch (error) {
    if (error instanceof RuntimeRequestError && error.status === 403) return null;
    throw error;
  }
}
