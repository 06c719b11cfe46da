import { isValidSecretName } from '../shared/engine';
import type { ActivePlanSet } from './active-set';
import { RuntimeError } from './errors';
import { SecretCipher } from './secrets/secret-cipher';
import { SecretMasker } from './secrets/secret-masker';
import { loadSecretsKey } from './secrets/secrets-key';
import type { RuntimeStorage } from './storage/types';

// The runtime's secrets in memory (docs/runtime.md, "Secrets"): the values opened with the secrets
// key, set through this instance or re-read from the storage when another instance changed them,
// and the masks built from them. The engine pool's secret provider reads `value`, so a change is
// seen by the next script that asks. The storage has no way to delete a secret, so a refresh only
// adds and updates. Each plan set gets its own masker (the values of the secrets its bundle
// declares), rebuilt whenever a value changes.

const keyCheckMeta = 'secrets_key_check';
const maxSecretBytes = 64 * 1024;

export interface SecretsKeyOptions {
  secretsKey?: Uint8Array | undefined;
  keyFile?: string | undefined;
  dataDir?: string | undefined;
}

/** Runs `work` after the storage changes and refreshes queued before it (the runtime's queue). */
export type Serially = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * Loads (or creates) the secrets key, checks it against the storage's key check (a wrong key must
 * never open, or seal over, the values sealed with another), and opens every stored secret.
 */
export async function openRuntimeSecrets(
  storage: RuntimeStorage,
  options: SecretsKeyOptions,
  log: (message: string) => void,
  serially: Serially,
): Promise<RuntimeSecrets> {
  let key = options.secretsKey;
  if (!key) {
    if (!options.dataDir && !options.keyFile && !process.env.PIPELINE_RUNTIME_KEY) {
      throw new Error('createRuntime needs a secretsKey, a keyFile, PIPELINE_RUNTIME_KEY or a dataDir');
    }
    const loaded = loadSecretsKey({ keyFile: options.keyFile, dataDir: options.dataDir ?? '.' });
    for (const warning of loaded.warnings) log(`warning: ${warning}`);
    if (loaded.source === 'created')
      log(`created the secrets key ${options.dataDir}/runtime.key (keep a copy apart from the data)`);
    key = loaded.key;
  }
  const cipher = new SecretCipher(key);
  cipher.verifyKeyCheck(await storage.metaSetIfAbsent(keyCheckMeta, cipher.keyCheck()));
  const secrets = new RuntimeSecrets(storage, cipher, serially);
  await secrets.refresh();
  return secrets;
}

export class RuntimeSecrets {
  private readonly values = new Map<string, { value: string; updatedAt: number }>();
  private maskers = new WeakMap<ActivePlanSet, SecretMasker>();

  constructor(
    private readonly storage: RuntimeStorage,
    private readonly cipher: SecretCipher,
    private readonly serially: Serially,
  ) {}

  /** The value a script reads through the engine pool's secret provider. */
  value(name: string): string | undefined {
    return this.values.get(name)?.value;
  }

  names(): Set<string> {
    return new Set(this.values.keys());
  }

  async set(name: string, value: string): Promise<{ name: string; updatedAt: number }> {
    if (!isValidSecretName(name)) {
      throw new RuntimeError('INVALID_NAME', 'a secret name is 1–64 of A–Z, 0–9 and "_", starting with a letter');
    }
    if (value.length === 0 || Buffer.byteLength(value, 'utf8') > maxSecretBytes) {
      throw new RuntimeError('INVALID_VALUE', `a secret value must be 1 byte to ${maxSecretBytes / 1024} KB`);
    }
    const updatedAt = Date.now();
    await this.storage.putSecret({ name, sealed: this.cipher.seal(name, value), updatedAt });
    this.values.set(name, { value, updatedAt });
    // The masks are per plan set and read the values: rebuild them.
    this.maskers = new WeakMap();
    return { name, updatedAt };
  }

  /** Names and times, never values, sorted by name. */
  list(): { name: string; updatedAt: number }[] {
    return [...this.values.entries()]
      .map(([name, { updatedAt }]) => ({ name, updatedAt }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /**
   * Re-reads and opens every secret, then updates the values in memory in one synchronous step.
   * Called on the runtime's queue (a storage change), or through ensureKnown.
   */
  async refresh(): Promise<void> {
    const next = new Map<string, { value: string; updatedAt: number }>();
    for (const stored of await this.storage.secrets()) {
      next.set(stored.name, { value: this.cipher.open(stored.name, stored.sealed), updatedAt: stored.updatedAt });
    }
    for (const [name, secret] of next) this.values.set(name, secret);
    this.maskers = new WeakMap();
  }

  /** A secret set through another instance may not have been announced here yet: look before refusing. */
  async ensureKnown(names: readonly unknown[]): Promise<void> {
    if (names.some((name) => typeof name === 'string' && !this.values.has(name))) {
      await this.serially(() => this.refresh());
    }
  }

  /** SECRETS_MISSING unless every one of `names` has a value here (`whose`: what declares them). */
  async requireValues(names: readonly string[], whose: string): Promise<void> {
    await this.ensureKnown(names);
    const missing = names.filter((name) => !this.values.has(name));
    if (missing.length > 0) {
      throw new RuntimeError(
        'SECRETS_MISSING',
        `${whose} declares secrets that have no value on this runtime: ${missing.join(', ')}`,
        { missing },
      );
    }
  }

  /** Masks the values of the secrets `set`'s bundle declares, in answers, traces and captures. */
  maskerOf(set: ActivePlanSet): SecretMasker {
    let masker = this.maskers.get(set);
    if (!masker) {
      const values: string[] = [];
      for (const name of set.secretNames) {
        const secret = this.values.get(name);
        if (secret) values.push(secret.value);
      }
      masker = new SecretMasker(values);
      this.maskers.set(set, masker);
    }
    return masker;
  }
}
