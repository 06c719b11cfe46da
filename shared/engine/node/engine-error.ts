import type { EngineErrorCode } from '../types';

/** A run the pool refused or lost, as opposed to a script that failed (that is a ScriptOutcome). */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    /**
     * The run never reached an engine: the queue was full, the pool was closed, or its workers
     * failed to start. Callers report these as "try again later"; a run lost after it started
     * (its worker stopped twice) is not refused.
     */
    readonly refused = false,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
