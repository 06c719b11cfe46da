import type { BundleProblem } from '../shared/engine';

// Errors of the runtime's operations, with the code the HTTP layer maps to a status
// (server/route-kit.ts) and that embedders can switch on.

export type RuntimeErrorCode =
  /** The bundle breaks the rules of docs/formats.md; `problems` lists each. */
  | 'PIPELINE_INVALID'
  /** The bundle declares secrets that have no value on this runtime; `missing` names them. */
  | 'SECRETS_MISSING'
  /** The expected active bundle (If-Match) is not the active one; `activeHash` is. */
  | 'PRECONDITION_FAILED'
  | 'INVALID_EVENT'
  | 'INVALID_NAME'
  | 'INVALID_VALUE'
  | 'UNKNOWN_HOOK'
  | 'NOT_FOUND'
  /** A rollout runs (`rolloutId`): the active bundle changes only by its promote, or after its abort. */
  | 'ROLLOUT_RUNNING'
  /** No rollout was ever started on this runtime. */
  | 'NO_ROLLOUT'
  /** The current rollout has ended (promoted, aborted or rolled back): it can no longer be steered. */
  | 'ROLLOUT_ENDED'
  /** A rollout needs an active bundle to run beside. */
  | 'NO_ACTIVE_BUNDLE'
  /** The rollout's candidate is the active bundle itself. */
  | 'BUNDLE_UNCHANGED'
  | 'CLOSED';

export class RuntimeError extends Error {
  override name = 'RuntimeError';
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    readonly details: {
      problems?: BundleProblem[] | { path: string; message: string }[];
      missing?: string[];
      activeHash?: string | null;
      rolloutId?: string;
    } = {},
  ) {
    super(message);
  }
}

export function isRuntimeError(error: unknown, code?: RuntimeErrorCode): error is RuntimeError {
  return error instanceof RuntimeError && (code === undefined || error.code === code);
}
