import { describe, expect, it } from 'vitest';
import type { Trace } from '../../shared/engine';
import { redactionSchema } from '../config';
import { SecretMasker } from '../secrets/secret-masker';
import type { RuntimeStorage, StoredEvent, StoredTrace } from '../storage/types';
import { CaptureWriter } from './capture-writer';
import { createRedactor } from './redaction';

function fakeStorage(fail = false) {
  const batches: { events: readonly StoredEvent[]; traces: readonly StoredTrace[] }[] = [];
  const storage = {
    appendCaptured: async (batch: { events: readonly StoredEvent[]; traces: readonly StoredTrace[] }) => {
      if (fail) throw new Error('disk full');
      batches.push(batch);
    },
    prune: async () => ({ events: 0, traces: 0 }),
  } as unknown as RuntimeStorage;
  return { storage, batches };
}

const trace = (id: string): Trace => ({
  traceId: id,
  hook: 'signup.before',
  spans: [
    {
      traceId: id,
      spanId: 's',
      name: 'hook signup.before',
      kind: 'hook',
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000001000000',
      status: { code: 'OK' },
      attributes: { 'script.result': '{"k":"hunter2-secret"}' },
      events: [],
    },
  ],
});

function writer(storage: RuntimeStorage, overrides: Partial<ConstructorParameters<typeof CaptureWriter>[1]> = {}) {
  const errors: string[] = [];
  const capture = new CaptureWriter(storage, {
    flushIntervalMs: 10_000,
    batchSize: 2,
    maxPending: 3,
    source: 'staging',
    retention: { maxEvents: 1, eventMaxAgeMs: 1, maxTraces: 1, traceMaxAgeMs: 1, pruneIntervalMs: 60_000 },
    redactor: createRedactor(redactionSchema.parse({})),
    onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
    ...overrides,
  });
  return { capture, errors };
}

describe('CaptureWriter', () => {
  it('writes in batches, masked and redacted, as NDJSON lines with the source', async () => {
    const { storage, batches } = fakeStorage();
    const { capture } = writer(storage);
    const masker = new SecretMasker(['hunter2-secret']);
    for (const id of ['a', 'b', 'c']) {
      capture.push({
        hook: 'signup.before',
        trace: trace(id),
        masker,
        event: {
          id: `evt_${id}`,
          at: 1000,
          payload: { user: { email: 'ada@example.com' }, request: { ip: '203.0.113.9' } },
          outcome: { allow: true },
        },
      });
    }
    await capture.flush();
    expect(batches.map((b) => b.traces.length)).toEqual([2, 1]);
    expect(batches[0]?.traces[0]).toMatchObject({ traceId: 'a', startedAt: 1_700_000_000_000 });
    expect(batches[0]?.traces[0]?.json).toContain('[secret]');
    expect(JSON.parse(batches[0]?.events[0]?.line ?? '')).toEqual({
      id: 'evt_a',
      hook: 'signup.before',
      at: '1970-01-01T00:00:01.000Z',
      event: { user: { email: 'a***@example.com' }, request: { ip: '203.0.113.0' } },
      outcome: { allow: true },
      source: 'staging',
    });
    await capture.close();
  });

  it('drops beyond maxPending instead of waiting, and reports storage failures without contents', async () => {
    const { storage } = fakeStorage(true);
    const { capture, errors } = writer(storage, { batchSize: 100 });
    const masker = new SecretMasker([]);
    for (let i = 0; i < 5; i++) capture.push({ hook: 'signup.before', trace: trace(`t${i}`), masker });
    expect(capture.stats()).toMatchObject({ pending: 3, dropped: 2 });
    expect(errors[0]).toMatch(/capture is behind/);
    await capture.flush();
    expect(capture.stats()).toMatchObject({ pending: 0, dropped: 5 });
    expect(errors.at(-1)).toBe('could not store 3 traces/events: disk full');
    await capture.close();
  });
});
