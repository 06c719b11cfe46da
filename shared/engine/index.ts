// The pure engine: bundle model, planning, running a pipeline through an injected ScriptRunner,
// replay comparison, recorded events and OTLP export. Nothing here imports Node or the DOM; the
// Lua sandbox, the worker pool and file access live in ./node.

export * from './types';
export * from './limits';
export {
  bundleFormat,
  bundleManifestSchema,
  bundleSchema,
  BundleInvalidError,
  canonicalBundle,
  canonicalJson,
  describeProblems,
  isSafeScriptPath,
  isValidScriptId,
  isValidSecretName,
  toManifest,
  utf8ByteLength,
  validateBundle,
  type Bundle,
  type BundleManifest,
  type BundleProblem,
  type BundleScript,
  type BundleValidation,
  type HookLayers,
  type InlinedScript,
  type PipelineInvalid,
} from './bundle';
export { effectiveTimeoutMs, planHook, type PlanOptions } from './plan';
export {
  copyJson,
  describeConflict,
  formatJsonPath,
  isPlainObject,
  jsonEqual,
  mergeLayer,
  type EnrichmentContribution,
  type JsonPath,
  type LayerMerge,
  type MergeConflict,
} from './merge';
export { runPipeline } from './pipeline';
export {
  changedPaths,
  compareOutcome,
  countOutcome,
  emptyOutcomeCounts,
  interpretBlockingValue,
  outcomeBucket,
  interpretEnrichmentValue,
  summarizeReplay,
  toReplayLine,
  type BlockingVerdict,
  type EnrichmentValue,
  type Mismatch,
  type MismatchDifference,
  type OutcomeBucket,
  type OutcomeCounts,
  type ReplayLine,
  type ReplaySummary,
} from './outcome';
export { outcomeChangeKinds, outcomeDifferences, type OutcomeChangeKind } from './outcome-diff';
export {
  checkRecordedEvent,
  parseRecordedEvents,
  readEventInput,
  type EventInput,
  type RecordedEvent,
  type RecordedEventProblem,
  type RecordedEvents,
} from './recorded-events';
export {
  errorText,
  otlpScopeName,
  SPAN_KIND_CLIENT,
  SPAN_KIND_INTERNAL,
  STATUS_CODE_ERROR,
  STATUS_CODE_OK,
  STATUS_CODE_UNSET,
  toOtlpJson,
  unixNano,
  withoutCredentials,
  type OtlpKeyValue,
  type OtlpOptions,
  type OtlpSpan,
  type OtlpTraceData,
} from './otlp';
