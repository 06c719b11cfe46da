import { QueryClient } from '@tanstack/react-query';
import { StudioError } from './studio-error';

// The page's one cache of server state. The core is local: a window regaining the focus or the
// network coming back says nothing about its data (pushed events and our own mutations do), and a
// refusal such as NOT_FOUND or INVALID_INPUT answers the same when asked again. Only UNAVAILABLE
// (the core restarting, the web host briefly unreachable) is worth another try.

/** Contract codes that may answer differently a moment later. */
export const transientCodes: ReadonlySet<string> = new Set(['UNAVAILABLE']);

const maxRetries = 2;

/** TanStack Query's `retry`: a transient contract error, twice at most; never a refusal or a bug. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  return error instanceof StudioError && transientCodes.has(error.code) && failureCount < maxRetries;
}

/** Quick retries: a restarting core is back within a second or it is not coming back soon. */
export function retryDelay(attempt: number): number {
  return Math.min(250 * 2 ** attempt, 2000);
}

export function createStudioQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        retryDelay,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        // Another process (the CLI on the same data folder) may change the data: a view that is
        // shown again asks once more, while the cached answer is shown meanwhile.
        staleTime: 0,
      },
      // A mutation is the user's own act: it is not repeated behind their back.
      mutations: { retry: false },
    },
  });
}
