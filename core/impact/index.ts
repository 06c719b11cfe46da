// The impact of a change: what a candidate bundle would decide differently from a baseline on
// recorded events (docs/replay.md, "Impact").
export { compareBundles, uniqueById } from './compare-bundles';
export { changedScripts, classifyChange, impactOutcome, recordedOutcome, swappedKind } from './impact-kinds';
export { latencyPercentiles, nearestRank } from './latency';
export * from './impact-types';
