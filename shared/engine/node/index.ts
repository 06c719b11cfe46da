// The Node-side engine: the Lua sandbox in worker threads behind a pool with an outside watchdog.
// Most callers need only createEnginePool; createSandbox runs scripts in the calling thread
// (tools and tests), without the watchdog that stops a script stuck inside a C function.

export { createEnginePool, EngineError } from './pool';
export type { EnginePool, EnginePoolOptions, PipelineRun, RunPipelineOptions } from './pool';
export { requestPlan, singleScriptPlan, type SingleScript } from './single-script-plan';
export type { WorkerFetchOptions } from './worker';
export { createSandbox } from './sandbox/sandbox';
export type { RunOptions, Sandbox, SandboxOptions } from './sandbox/sandbox';
export type { SandboxServices } from './sandbox/script-run';
export type { ExecutionMonitor } from './sandbox/engine';
