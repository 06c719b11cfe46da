import type { SecretProvider } from '../shared/engine';

/** Secrets given on the command line (`--secret NAME=VALUE`), for `run` and `replay` in CI. */
export function staticSecrets(values: Record<string, string>): SecretProvider {
  const map = new Map(Object.entries(values));
  return { get: async (name) => map.get(name) };
}
