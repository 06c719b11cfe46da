// The errors helpers.fetch raises, shared by the connector (refused or unresolvable hosts) and the
// guarded request (limits, redirects, responses).

export type FetchErrorCode = 'FETCH_BLOCKED' | 'FETCH_FAILED';

/** Its message starts with the code: that prefix is the contract scripts and the engine rely on. */
export class FetchError extends Error {
  readonly code: FetchErrorCode;
  constructor(code: FetchErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'FetchError';
    this.code = code;
  }
}

export const blocked = (detail: string): FetchError => new FetchError('FETCH_BLOCKED', detail);
export const failed = (detail: string): FetchError => new FetchError('FETCH_FAILED', detail);

/** A Node or undici error in one line: its code, its message and its cause's message. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${typeof code === 'string' ? `${code}: ` : ''}${error.message}${cause}`;
}
