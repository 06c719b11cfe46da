import type { Result } from '@shared/contract';

// The one bridge between the contract's answers and the data layer: a query or a mutation either
// has its value or throws a StudioError that still carries the contract's code and message, so a
// view shows the core's own words and the retry policy can tell a transient failure from a refusal.

export class StudioError extends Error {
  readonly code: string;

  constructor(error: { code: string; message: string }) {
    super(error.message);
    this.name = 'StudioError';
    this.code = error.code;
  }
}

/** The value of an answer, or its error thrown as a StudioError. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new StudioError(result.error);
}

/** Awaits a client call and unwraps its answer (a query's or a mutation's function). */
export async function valueOf<T>(answer: Promise<Result<T>>): Promise<T> {
  return unwrap(await answer);
}

/** What a view shows for a failed query or mutation; null when nothing failed. */
export function errorMessage(error: unknown): string | null {
  if (error === null || error === undefined) return null;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The contract's code of a failure, when it came from the core. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof StudioError ? error.code : undefined;
}
