import type { NewBundleVersion, RuntimeStorage } from '../storage/types';
import { bundleOf } from './harness';

// What the storage contract's case files (storage-contract.ts, storage-contract-rollouts.ts) share.

export interface ContractStore {
  storage: RuntimeStorage;
  /** Another handle on the same store (another connection), as a second process would have. */
  another(): Promise<RuntimeStorage>;
}

export const contractVersion = (name: string, extra: Partial<NewBundleVersion> = {}): NewBundleVersion => ({
  hash: `hash-${name}`,
  bundle: { ...bundleOf({ a: 'return true' }, {}), name },
  publishedAt: 1000,
  author: 'ada',
  message: name,
  kind: 'publish',
  ...extra,
});
