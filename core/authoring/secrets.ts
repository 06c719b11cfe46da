import { ContractError, type ChannelOutput } from '../../shared/contract';
import { isSecretStoreError, type SecretStore } from '../secrets';
import { isSecretName, type Workspace } from '../store';
import type { Handlers } from '../router';
import { secretsUsedBy } from './lua-scan';

// The secrets page: for one environment, every name that matters (declared by the pipeline, set in
// the keychain, or read by a script) with where it stands. Values go into the keychain through
// secrets.set and never come back out of any channel; the runtime token is a keychain entry of
// another service (core/secrets/runtime-tokens.ts), so it is never among these names.

type SecretEntry = ChannelOutput<'secrets.set'>;

/** Scripts whose latest version reads each secret name by a literal. */
function usersBySecret(workspace: Workspace): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const script of workspace.scripts.list()) {
    for (const name of secretsUsedBy(workspace.scripts.latest(script.id)?.source ?? '')) {
      users.set(name, [...(users.get(name) ?? []), script.id]);
    }
  }
  return users;
}

/** What the secret channels use: the workspace, the keychain's secret store and its label. */
export interface SecretDeps {
  workspace(): Workspace;
  secrets(): SecretStore;
  readonly keychainLabel: string;
}

export function secretHandlers(
  deps: SecretDeps,
): Pick<Handlers, 'secrets.list' | 'secrets.set' | 'secrets.delete' | 'secrets.undeclare' | 'secrets.keychain'> {
  const requireEnvironment = (environment: string): Workspace => {
    const workspace = deps.workspace();
    if (!workspace.environments.get(environment)) {
      throw new ContractError('NOT_FOUND', `There is no environment "${environment}".`);
    }
    return workspace;
  };

  return {
    'secrets.list': ({ environment }) => {
      const workspace = requireEnvironment(environment);
      const store = deps.secrets();
      const declared = workspace.pipeline.secrets();
      const users = usersBySecret(workspace);
      const names = new Set([...declared, ...store.listNames(environment), ...users.keys()]);
      const secrets = [...names].sort().map((name): SecretEntry => ({
        name,
        // Asked of the keychain itself (which also corrects the workspace's record of names):
        // a value deleted outside the studio shows as not set. A name a script reads that no
        // secret may have (`helpers.secret("lower")`) cannot be set anywhere.
        isSet: isSecretName(name) && store.has(environment, name),
        declared: declared.includes(name),
        usedBy: users.get(name) ?? [],
      }));
      // A name only the record knew, whose value is gone and which nothing declares or reads, is
      // no longer a secret of this pipeline.
      const current = secrets.filter((entry) => entry.isSet || entry.declared || entry.usedBy.length > 0);
      return { environment, store: deps.keychainLabel, secrets: current };
    },

    'secrets.set': ({ environment, name, value }) => {
      const workspace = requireEnvironment(environment);
      // Keychain first: if it is unavailable, nothing is declared for a value that is not there.
      deps.secrets().set(environment, name, value);
      workspace.pipeline.declareSecret(name);
      return { name, isSet: true, declared: true, usedBy: usersBySecret(workspace).get(name) ?? [] };
    },

    'secrets.delete': ({ environment, name }) => {
      requireEnvironment(environment);
      // A name no secret may have was never stored: nothing to delete (and nothing to ask the keychain).
      if (!isSecretName(name)) return { deleted: false };
      return { deleted: deps.secrets().delete(environment, name) };
    },

    'secrets.undeclare': ({ name }) => {
      const workspace = deps.workspace();
      const store = deps.secrets();
      // Values first, in every environment: if the keychain is unavailable the name stays declared,
      // so no value is left behind under a name the pipeline no longer shows.
      const removedFrom = workspace.environments
        .list()
        .map((env) => env.name)
        .sort()
        .filter((environment) => store.delete(environment, name));
      return { undeclared: workspace.pipeline.undeclareSecret(name), removedFrom };
    },

    'secrets.keychain': () => {
      const store = deps.secrets();
      try {
        store.probe();
        return { store: deps.keychainLabel, available: true, advice: null };
      } catch (error) {
        // Only what to install or unlock: the platform's own text (D-Bus errors) means nothing to
        // the admin and stays out of the page.
        if (!isSecretStoreError(error, 'KEYCHAIN_UNAVAILABLE')) throw error;
        return { store: deps.keychainLabel, available: false, advice: error.advice ?? null };
      }
    },
  };
}
