import { useTempDirs as useTempDirsWithPrefix } from '../../../shared/engine/node/testing/temp-dirs';

/** Fresh folders under the OS temp dir, removed after each test. */
export const useTempDirs = (prefix = 'studio-store-'): (() => string) => useTempDirsWithPrefix(prefix);
