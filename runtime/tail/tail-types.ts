import type { HookId, HookMode } from '../../shared/hooks';

// The live tail (docs/live-tail.md): every invocation, as it finishes, told to whoever
// follows GET /v1/tail. Invocations are reported by runtime/invoke.ts to the runtime's TailHub
// (runtime/tail/tail-hub.ts), which filters and samples per follower.

/** What an invocation decided, in one word (the tail's `outcome` filter). */
export type TailOutcome = 'allow' | 'deny' | 'data' | 'accepted' | 'error';

export interface FinishedInvocation {
  /** Epoch ms when the invocation arrived. */
  at: number;
  hook: HookId;
  mode: HookMode;
  outcome: TailOutcome;
  /** The bundle version that decided (null: none active). */
  version: number | null;
  durationMs: number;
  reason?: string;
  /** The first error's code and the script it came from (the pipeline failed, or a script did). */
  error?: { code: string; script?: string };
  traceId: string;
  /**
   * A rollout's part in it: `candidate` decided (canary), `shadow` is the candidate's run beside
   * an answer the active bundle gave (it decided nothing).
   */
  rollout?: { id: string; role: 'active' | 'candidate' | 'shadow' };
}

/** Told of every finished invocation; must not throw and must return at once. */
export type InvocationObserver = (invocation: FinishedInvocation) => void;
