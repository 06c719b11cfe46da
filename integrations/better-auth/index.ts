// Pipeline Studio for better-auth: a plugin that runs the published hook pipelines at better-auth's
// lifecycle points (docs/better-auth.md). Bundled on its own as dist/node/better-auth.mjs.

export { pipelineStudio, type BlockingHookId, type PipelineStudioOptions, type PipelineStudioPlugin } from './plugin';
export { deniedCode, unavailableCode, type FailureMode, type PipelineLogger } from './pipeline-invoker';
export { RuntimeUnavailableError, type PipelineAnswer } from './runtime-caller';
export { dataField } from './payloads';
