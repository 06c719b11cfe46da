import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { EventName, EventPayload, Listen } from '@shared/contract';
import { eventKeys } from '../features/events/event-queries';
import { impactKeys } from '../features/impact/impact-queries';
import { publishKeys } from '../features/publish/publish-queries';
import { runKeys } from '../features/runs/run-queries';
import { traceKeys } from '../features/traces/trace-queries';
import { invalidateOnPushedEvents } from './pushed-invalidation';

// The transports that carry pushed events are not part of the page's code: a small in-memory
// source stands for them, with the contract's payloads.
function pushedEvents() {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const listen: Listen = (name, listener) => {
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  };
  const push = <E extends EventName>(name: E, payload: EventPayload<E>) => {
    for (const listener of listeners.get(name) ?? []) listener(payload as never);
  };
  const count = () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0);
  return { listen, push, count };
}

const keys = {
  eventList: eventKeys.list({}),
  facets: eventKeys.facets(),
  runs: runKeys.list(),
  results7: runKeys.resultsOf(7, 'all'),
  results8: runKeys.resultsOf(8, 'all'),
  compare7: runKeys.compare(6, 7, 'changed'),
  compareOther: runKeys.compare(1, 2, 'changed'),
  traces: traceKeys.list({}),
  trace: traceKeys.detail('a'.repeat(32)),
  stagingHistory: publishKeys.history('staging'),
  prodHistory: publishKeys.history('production'),
  impactFlips: impactKeys.changes('i1', { kind: 'allow→deny' }),
  impactCount: impactKeys.count('i1', 'deny→allow', 'gate'),
  otherImpact: impactKeys.changes('i2', {}),
};

function seeded() {
  const client = new QueryClient();
  for (const key of Object.values(keys)) client.setQueryData(key, { seeded: true });
  const invalidated = () =>
    Object.entries(keys)
      .filter(([, key]) => client.getQueryState(key)?.isInvalidated)
      .map(([name]) => name)
      .sort();
  return { client, invalidated };
}

const replay = (status: 'running' | 'done' | 'cancelled' | 'failed') => ({
  runId: 7,
  status,
  total: 10,
  done: 10,
  allowed: 10,
  denied: 0,
  errors: 0,
  mismatches: 0,
  elapsedMs: 5,
  etaMs: null,
  eventsPerSecond: 2000,
});

describe('invalidateOnPushedEvents', () => {
  it('an ended import invalidates the library: lists and facets', () => {
    const { client, invalidated } = seeded();
    const events = pushedEvents();
    invalidateOnPushedEvents(client, events.listen);
    const progress = {
      importId: 'i1',
      status: 'running' as const,
      read: 5,
      total: 10,
      imported: 5,
      duplicates: 0,
      problems: 0,
    };
    events.push('import.progress', progress);
    expect(invalidated()).toEqual([]);
    events.push('import.progress', { ...progress, status: 'done', read: 10, imported: 10 });
    expect(invalidated()).toEqual(['eventList', 'facets']);
  });

  it("an ended replay invalidates the runs, that run's results and comparisons, and the trace lists", () => {
    const { client, invalidated } = seeded();
    const events = pushedEvents();
    invalidateOnPushedEvents(client, events.listen);
    events.push('replay.progress', replay('running'));
    expect(invalidated()).toEqual([]);
    events.push('replay.progress', replay('cancelled'));
    expect(invalidated()).toEqual(['compare7', 'results7', 'runs', 'traces']);
  });

  it("an ended publish invalidates that environment's history only", () => {
    const { client, invalidated } = seeded();
    const events = pushedEvents();
    invalidateOnPushedEvents(client, events.listen);
    const steps = { jobId: 'j1', environment: 'staging', status: 'running' as const, steps: [] };
    events.push('publish.steps', steps);
    expect(invalidated()).toEqual([]);
    events.push('publish.steps', { ...steps, status: 'failed' });
    expect(invalidated()).toEqual(['stagingHistory']);
  });

  it("an ended impact invalidates that impact's changes and counts only", () => {
    const { client, invalidated } = seeded();
    const events = pushedEvents();
    invalidateOnPushedEvents(client, events.listen);
    const progress = {
      impactId: 'i1',
      environment: 'staging',
      status: 'running' as const,
      total: 10,
      done: 4,
      summary: {
        events: 4,
        unchanged: 4,
        allowToDeny: 0,
        denyToAllow: 0,
        reasonChanged: 0,
        dataChanged: 0,
        newErrors: 0,
        fixedErrors: 0,
        changedErrors: 0,
        latencyMs: { baseline: { p50: 1, p95: 1, p99: 1 }, candidate: { p50: 1, p95: 1, p99: 1 } },
      },
      baselineHash: 'a'.repeat(64),
      candidateHash: 'b'.repeat(64),
      candidate: { kind: 'workspace' as const },
    };
    events.push('impact.progress', progress);
    expect(invalidated()).toEqual([]);
    events.push('impact.progress', { ...progress, status: 'cancelled' });
    expect(invalidated()).toEqual(['impactCount', 'impactFlips']);
  });

  it('stops listening when told', () => {
    const { client, invalidated } = seeded();
    const events = pushedEvents();
    const stop = invalidateOnPushedEvents(client, events.listen);
    expect(events.count()).toBe(4);
    stop();
    expect(events.count()).toBe(0);
    events.push('replay.progress', replay('done'));
    expect(invalidated()).toEqual([]);
  });
});
