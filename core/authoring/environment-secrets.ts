import type { SecretProvider } from '../../shared/engine';

// The studio runs every editor run on ONE engine pool, and a pool reads helpers.secret through one
// SecretProvider that is not told which run asks. Runs may use different environments' secrets,
// so runs are admitted by environment: any number of runs of one environment at a time, and a run
// of another environment waits until those have finished. The provider reads the environment
// that is admitted now. Editor runs are short and mostly one at a time, so the wait is rarely felt,
// and no run can ever read another environment's value.

/** What one admitted group of runs shares: the environment, and how its keychain failed, if it did. */
export interface SecretLease {
  readonly environment: string;
  /** The keychain's message when a secret could not be read (it never holds a value). */
  keychainFailure?: string;
}

interface Waiting {
  environment: string;
  admit: () => void;
}

export class EnvironmentSecrets {
  /** What the engine pool reads helpers.secret through. */
  readonly provider: SecretProvider;
  private current: { lease: SecretLease; provider: SecretProvider; runs: number } | null = null;
  private readonly waiting: Waiting[] = [];

  constructor(private readonly providerFor: (environment: string) => SecretProvider) {
    this.provider = {
      get: async (name) => {
        const current = this.current;
        if (!current) return undefined;
        try {
          return await current.provider.get(name);
        } catch (error) {
          current.lease.keychainFailure = error instanceof Error ? error.message : String(error);
          throw error;
        }
      },
    };
  }

  /** Runs `use` while `environment`'s secrets are the ones the pool reads. */
  async run<T>(environment: string, use: (lease: SecretLease) => Promise<T>): Promise<T> {
    await this.admission(environment);
    const current = this.current;
    if (!current) throw new Error('admitted without a current environment');
    try {
      return await use(current.lease);
    } finally {
      current.runs -= 1;
      if (current.runs === 0) {
        this.current = null;
        this.admitNext();
      }
    }
  }

  private admission(environment: string): Promise<void> {
    // A newcomer joins the running group only when nobody waits, so another environment's runs
    // cannot be starved by a steady stream of runs of this one.
    if (this.current?.lease.environment === environment && this.waiting.length === 0) {
      this.current.runs += 1;
      return Promise.resolve();
    }
    return new Promise((admit) => {
      this.waiting.push({ environment, admit });
      if (!this.current) this.admitNext();
    });
  }

  private admitNext(): void {
    const next = this.waiting[0];
    if (!next) return;
    const { environment } = next;
    let provider: SecretProvider;
    try {
      provider = this.providerFor(environment);
    } catch {
      // Checked by the caller before it asks; should it still fail, runs see no secrets at all.
      provider = { get: async () => undefined };
    }
    this.current = { lease: { environment }, provider, runs: 0 };
    const admitted = this.waiting.filter((entry) => entry.environment === environment);
    this.waiting.splice(0, this.waiting.length, ...this.waiting.filter((entry) => entry.environment !== environment));
    this.current.runs = admitted.length;
    for (const entry of admitted) entry.admit();
  }
}
