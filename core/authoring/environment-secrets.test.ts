import { describe, expect, it } from 'vitest';
import type { SecretProvider } from '../../shared/engine';
import { EnvironmentSecrets } from './environment-secrets';

const values: Record<string, Record<string, string>> = {
  staging: { API_KEY: 'staging-value' },
  production: { API_KEY: 'production-value' },
};
const providerFor = (environment: string): SecretProvider => ({ get: async (name) => values[environment]?.[name] });

/** A promise and its resolver, to hold a run open. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('EnvironmentSecrets', () => {
  it('reads the admitted environment; runs of one environment share the admission', async () => {
    const secrets = new EnvironmentSecrets(providerFor);
    const first = gate();
    const seen: (string | undefined)[] = [];
    const a = secrets.run('staging', async () => {
      await first.opened;
      seen.push(await secrets.provider.get('API_KEY'));
    });
    const b = secrets.run('staging', async () => void seen.push(await secrets.provider.get('API_KEY')));
    await b; // not held back by `a`: same environment
    expect(seen).toEqual(['staging-value']);
    first.open();
    await a;
    expect(seen).toEqual(['staging-value', 'staging-value']);
    expect(await secrets.provider.get('API_KEY')).toBeUndefined(); // nobody admitted: nothing to read
  });

  it('holds another environment back until the running ones finish, and never mixes values', async () => {
    const secrets = new EnvironmentSecrets(providerFor);
    const hold = gate();
    const order: string[] = [];
    const staging = secrets.run('staging', async () => {
      order.push('staging started');
      await hold.opened;
      order.push(`staging read ${await secrets.provider.get('API_KEY')}`);
    });
    const production = secrets.run('production', async () => {
      order.push(`production read ${await secrets.provider.get('API_KEY')}`);
    });
    // A later staging run waits behind production instead of starving it.
    const lateStaging = secrets.run('staging', async () => void order.push('late staging'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['staging started']);
    hold.open();
    await Promise.all([staging, production, lateStaging]);
    expect(order).toEqual([
      'staging started',
      'staging read staging-value',
      'production read production-value',
      'late staging',
    ]);
  });

  it('lets a run go on when its work fails, and records a keychain failure on its lease', async () => {
    const failing = new EnvironmentSecrets(() => ({
      get: async () => {
        throw new Error('No OS keychain is reachable');
      },
    }));
    await expect(
      failing.run('staging', async () => {
        throw new Error('the run failed');
      }),
    ).rejects.toThrow('the run failed');
    const failure = await failing.run('staging', async (lease) => {
      await failing.provider.get('API_KEY').catch(() => undefined);
      return lease.keychainFailure;
    });
    expect(failure).toBe('No OS keychain is reachable');
    // The next environment is admitted after a failed run too.
    expect(await failing.run('production', async (lease) => lease.environment)).toBe('production');
  });
});
