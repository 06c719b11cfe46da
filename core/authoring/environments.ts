import { ContractError, type ChannelOutput } from '../../shared/contract';
import { isSecretStoreError, type RuntimeTokenStore } from '../secrets';
import type { Environment, Workspace } from '../store';
import type { Handlers } from '../router';

// The environments a workspace publishes to. The store keeps name, runtime URL and last publish;
// the runtime token lives only in the OS keychain (core/secrets/runtime-tokens.ts: an entry of its
// own, apart from the pipeline's secrets, so secrets.list never shows it and no script can read
// it). The UI learns only whether a token is stored.

type EnvironmentView = ChannelOutput<'environments.create'>;
type EnvironmentChannel = 'environments.list' | 'environments.create' | 'environments.update' | 'environments.setToken';

/** What the environment channels use: the workspace and the keychain's runtime tokens. */
export interface EnvironmentDeps {
  workspace(): Workspace;
  runtimeTokens(): RuntimeTokenStore;
}

export function environmentHandlers(deps: EnvironmentDeps): Pick<Handlers, EnvironmentChannel> {
  /**
   * Asks the keychain. environments.list declares no keychain error: a machine without a keychain
   * still lists its environments, each without a token (setToken then says what is wrong).
   */
  const hasToken = (name: string): boolean => {
    try {
      return deps.runtimeTokens().has(name);
    } catch (error) {
      if (isSecretStoreError(error)) return false;
      throw error;
    }
  };

  const view = (environment: Environment, token = hasToken(environment.name)): EnvironmentView => ({
    name: environment.name,
    runtimeUrl: environment.runtimeUrl ?? null,
    hasToken: token,
    lastPublishedHash: environment.lastPublishedHash ?? null,
  });

  const requireEnvironment = (name: string): Environment => {
    const environment = deps.workspace().environments.get(name);
    if (!environment) throw new ContractError('NOT_FOUND', `There is no environment "${name}".`);
    return environment;
  };

  return {
    'environments.list': () =>
      deps
        .workspace()
        .environments.list()
        .map((environment) => view(environment)),

    'environments.create': ({ name, runtimeUrl }) =>
      view(deps.workspace().environments.create(name, runtimeUrl === undefined ? {} : { runtimeUrl })),

    'environments.update': ({ name, runtimeUrl }) => {
      requireEnvironment(name);
      return view(deps.workspace().environments.setRuntimeUrl(name, runtimeUrl));
    },

    'environments.setToken': ({ name, token }) => {
      const environment = requireEnvironment(name);
      deps.runtimeTokens().set(name, token);
      return view(environment, true);
    },
  };
}
