import type { SecretProvider } from '../../shared/engine';
import { isEnvironmentName, isSecretName, type Workspace } from '../store';
import { SecretStoreError } from './errors';
import { Keychain } from './keychain';

// Secret values per workspace and environment, in the OS keychain: service
// `pipeline-studio/<workspaceId>/<environment>`, account = the secret's name. The workspace id is
// random per workspace, so two workspaces (or a test run) on one machine never share values.
// Keychains cannot list their entries reliably, so the names are recorded in the workspace
// (secret names table) after each successful keychain write, and dropped after each delete.
// Values go to the keychain and back to the engine, nowhere else: not the database, not an
// error message, not a listing.

/** The workspace's record of which secret names have a value, per environment. */
export interface SecretNameIndex {
  environmentExists(environment: string): boolean;
  add(environment: string, name: string): void;
  remove(environment: string, name: string): void;
  list(environment: string): string[];
}

export interface SecretStoreOptions {
  workspaceId: string;
  names: SecretNameIndex;
  keychain?: Keychain;
}

export const keychainServicePrefix = 'pipeline-studio';

export class SecretStore {
  private readonly keychain: Keychain;
  private readonly names: SecretNameIndex;
  readonly workspaceId: string;

  constructor(options: SecretStoreOptions) {
    if (!/^[0-9a-z-]{1,64}$/.test(options.workspaceId)) {
      throw new SecretStoreError('INVALID_NAME', `"${options.workspaceId}" is not a workspace id.`);
    }
    this.workspaceId = options.workspaceId;
    this.names = options.names;
    this.keychain = options.keychain ?? new Keychain();
  }

  /** The SecretStore of an open workspace. */
  static forWorkspace(workspace: Workspace, keychain?: Keychain): SecretStore {
    const names: SecretNameIndex = {
      environmentExists: (environment) => workspace.environments.get(environment) !== undefined,
      add: (environment, name) => workspace.secretNames.add(environment, name),
      remove: (environment, name) => void workspace.secretNames.remove(environment, name),
      list: (environment) => workspace.secretNames.list(environment),
    };
    return new SecretStore({ workspaceId: workspace.id, names, ...(keychain ? { keychain } : {}) });
  }

  /** The keychain service name of an environment's secrets. */
  serviceName(environment: string): string {
    return `${keychainServicePrefix}/${this.workspaceId}/${environment}`;
  }

  set(environment: string, name: string, value: string): void {
    this.check(environment, name);
    if (value.length === 0)
      throw new SecretStoreError('INVALID_VALUE', `The value of secret ${name} must not be empty.`);
    this.keychain.set(this.serviceName(environment), name, value);
    this.names.add(environment, name);
  }

  /** Asks the keychain, and brings the recorded names in line with its answer. */
  has(environment: string, name: string): boolean {
    this.check(environment, name);
    const present = this.keychain.get(this.serviceName(environment), name) !== null;
    if (present) this.names.add(environment, name);
    else this.names.remove(environment, name);
    return present;
  }

  /** true when a value was deleted. The name is forgotten either way. */
  delete(environment: string, name: string): boolean {
    this.check(environment, name);
    const deleted = this.keychain.delete(this.serviceName(environment), name);
    this.names.remove(environment, name);
    return deleted;
  }

  /** Names that have a value in `environment`, sorted (from the workspace's record; never values). */
  listNames(environment: string): string[] {
    this.check(environment);
    return this.names.list(environment);
  }

  /**
   * Asks the keychain for an entry that never exists (its account is no secret name, so no value
   * can be stored there): answers when the keychain does, KEYCHAIN_UNAVAILABLE when it cannot be asked.
   */
  probe(): void {
    this.keychain.get(`${keychainServicePrefix}/${this.workspaceId}`, 'keychain-check');
  }

  /** Deletes every value recorded for the environment, e.g. before deleting the environment. */
  deleteEnvironment(environment: string): number {
    return this.listNames(environment).filter((name) => this.delete(environment, name)).length;
  }

  /** What the engine reads `helpers.secret(name)` through, for one environment. */
  provider(environment: string): SecretProvider {
    this.check(environment);
    return {
      get: async (name) => {
        // An invalid name cannot have been stored; answering "none" lets the engine report
        // SECRET_NOT_FOUND like for any other missing secret.
        if (!isSecretName(name)) return undefined;
        return this.keychain.get(this.serviceName(environment), name) ?? undefined;
      },
    };
  }

  private check(environment: string, name?: string): void {
    if (!isEnvironmentName(environment) || !this.names.environmentExists(environment)) {
      throw new SecretStoreError('UNKNOWN_ENVIRONMENT', `There is no environment "${environment}".`);
    }
    if (name !== undefined && !isSecretName(name)) {
      throw new SecretStoreError(
        'INVALID_NAME',
        `Secret name "${name}" must be 1–64 of A–Z, 0–9 and "_", starting with a letter.`,
      );
    }
  }
}
