import type { ScriptLimits } from './types';

// The defaults docs/engine.md states ("Sandbox", limits). The instruction budget is what makes
// limits deterministic: a script that passes here does not fail on a slower production machine; the
// wall-clock limit is the backstop.
export const defaultLimits: ScriptLimits = {
  timeoutMs: 1_000,
  instructionBudget: 20_000_000,
  memoryBytes: 32 * 1024 * 1024,
  maxSourceBytes: 5 * 1024,
  maxLogEntries: 100,
  maxLogBytes: 16 * 1024,
};

export const maxTimeoutMs = 10_000;
export const maxLayersPerHook = 10;
export const maxScriptsPerLayer = 5;
/** Scripts (pipeline runs) executing at once across the pool; more wait in the queue. */
export const maxConcurrentRuns = 20;
/** Bounds on data crossing into and out of a script. */
export const maxValueBytes = 1024 * 1024;
export const maxValueDepth = 32;
