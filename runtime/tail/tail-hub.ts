import type { HookId } from '../../shared/hooks';
import type { FinishedInvocation, TailOutcome } from './tail-types';

// The runtime's live tail: every finished invocation is published here (runtime/invoke.ts) and
// handed to the followers whose filter it passes, sampled per follower when it cannot keep up
// (docs/runtime.md, "Live tail").

export interface TailFilter {
  hooks?: readonly HookId[];
  outcomes?: readonly TailOutcome[];
  version?: number;
  /** Case-insensitive text looked for in the hook, reason, error code, script and trace id. */
  text?: string;
}

/** What a follower receives: invocations, and the share of matching ones it is sent. */
export type TailDelivery =
  { kind: 'invocation'; invocation: FinishedInvocation } | { kind: 'sampling'; rate: number; dropped: number };

export interface TailSubscription {
  close(): void;
}

export class TailHub {
  publish(_invocation: FinishedInvocation): void {
    // Filled in by the tail's implementation.
  }

  subscribe(_filter: TailFilter, _deliver: (delivery: TailDelivery) => void): TailSubscription {
    return { close() {} };
  }

  get followers(): number {
    return 0;
  }
}
