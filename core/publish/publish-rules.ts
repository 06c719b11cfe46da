import os from 'node:os';
import { ContractError } from '../../shared/contract';

// What publishes and rollbacks share: who they are recorded as, and production's confirmation,
// checked before any request leaves.

export function publishAuthor(): string {
  try {
    return `${os.userInfo().username}@${os.hostname()} (pipeline-studio)`;
  } catch {
    return 'pipeline-studio';
  }
}

export function requireConfirmation(environment: string, confirm: string | undefined, action: string): void {
  if (environment === 'production' && confirm !== environment) {
    throw new ContractError(
      'CONFIRMATION_REQUIRED',
      `To ${action} to production, confirm by typing the environment's name ("production").`,
    );
  }
}

/** Ends a publish job with a code and a message for the user. */
export class PublishStop extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
