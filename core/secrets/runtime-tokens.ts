import { isEnvironmentName } from '../store';
import { SecretStoreError } from './errors';
import { Keychain } from './keychain';
import { keychainServicePrefix } from './secret-store';

// The token the studio presents to an environment's runtime when it publishes. It is a keychain
// entry of its own, service `pipeline-studio/<workspaceId>/<environment>/runtime`, account
// `token`, and not a secret of the SecretStore: secret names are the pipeline's (`[A-Z][A-Z0-9_]*`),
// so any name reserved there could clash with one an admin picks, and scripts must never be able
// to read the token through helpers.secret. Environment names cannot contain "/", so this service
// never equals an environment's secrets service. Like secret values, the token goes to the
// keychain and back to the publisher only: never to the database, a message or the UI.

const account = 'token';

export class RuntimeTokenStore {
  private readonly keychain: Keychain;

  constructor(
    readonly workspaceId: string,
    keychain?: Keychain,
  ) {
    if (!/^[0-9a-z-]{1,64}$/.test(workspaceId)) {
      throw new SecretStoreError('INVALID_NAME', `"${workspaceId}" is not a workspace id.`);
    }
    this.keychain = keychain ?? new Keychain();
  }

  serviceName(environment: string): string {
    this.check(environment);
    return `${keychainServicePrefix}/${this.workspaceId}/${environment}/runtime`;
  }

  set(environment: string, token: string): void {
    if (token.length === 0) throw new SecretStoreError('INVALID_VALUE', 'A runtime token must not be empty.');
    this.keychain.set(this.serviceName(environment), account, token);
  }

  has(environment: string): boolean {
    return this.keychain.get(this.serviceName(environment), account) !== null;
  }

  /** For the publisher only; never answer a UI request with it. */
  get(environment: string): string | null {
    return this.keychain.get(this.serviceName(environment), account);
  }

  delete(environment: string): boolean {
    return this.keychain.delete(this.serviceName(environment), account);
  }

  private check(environment: string): void {
    if (!isEnvironmentName(environment)) {
      throw new SecretStoreError('UNKNOWN_ENVIRONMENT', `There is no environment "${environment}".`);
    }
  }
}
