import type { ChannelInput, ChannelOutput } from '@shared/contract';

// The trace screens' shapes, named once from the contract (type-only, so the pure modules and their
// tests load without the contract's runtime).

export type TraceSummary = ChannelOutput<'traces.list'>['traces'][number];
export type TraceDetail = ChannelOutput<'traces.get'>;
export type TraceSpan = TraceDetail['spans'][number];
export type TraceListInput = ChannelInput<'traces.list'>;
export type TraceStatus = TraceSummary['status'];
export type StoredEvent = ChannelOutput<'events.get'>;
