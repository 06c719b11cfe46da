import { describe, expect, it } from 'vitest';
import { redactionSchema } from '../config';
import { SecretMasker } from '../secrets/secret-masker';
import type { RuntimeStorage, StoredEvent, StoredTrace } from '../storage/types';
import { createInlinePreparer } from './capture-prep';
import { CaptureWriter } from './capture-writer';
import { createRedactor } from './redaction';
import { sampleTrace } from './testing';

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

const trace = sampleTrace;

function writer(storage: RuntimeStorage, overrides: Partial<ConstructorParameters<typeof CaptureWriter>[1]> = {}) {
  const errors: string[] = [];
  const capture = new CaptureWriter(storage, {
    flushIntervalMs: 10_000,
    batchSize: 2,
    maxPending: 3,
    retention: { maxEvents: 1, eventMaxAgeMs: 1, maxTraces: 1, traceMaxAgeMs: 1, pruneIntervalMs: 60_000 },
    preparer: createInlinePreparer(createRedactor(redactionSchema.parse({})), 'staging'),
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

  it('loses only the item it cannot prepare, and a background flush never rejects', async () => {
    const { storage, batches } = fakeStorage();
    const throwing = createRedactor(redactionSchema.parse({}));
    const redactor = {
      ...throwing,
      event: (value: Parameters<typeof throwing.event>[0]) => {
        if (JSON.stringify(value).includes('poison')) throw new RangeError('Maximum call stack size exceeded');
        return throwing.event(value);
      },
    };
    // A scheduled flush (flushIntervalMs 0): a rejection here would be unhandled and end the process.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { capture, errors } = writer(storage, {
        preparer: createInlinePreparer(redactor, 'staging'),
        flushIntervalMs: 0,
        batchSize: 10,
        maxPending: 10,
      });
      const masker = new SecretMasker([]);
      const broken = {
        ...trace('broken'),
        spans: [{ ...trace('broken').spans[0]!, startTimeUnixNano: 'not a number' }],
      };
      capture.push({ hook: 'signup.before', trace: trace('before'), masker });
      capture.push({ hook: 'signup.before', trace: broken, masker });
      capture.push({
        hook: 'signup.before',
        trace: trace('poisoned'),
        masker,
        event: { id: 'evt_p', at: 1, payload: { name: 'poison secret-password' }, outcome: { allow: true } },
      });
      capture.push({ hook: 'signup.before', trace: trace('after'), masker });
      await expect.poll(() => capture.stats().written.traces + capture.stats().dropped).toBe(4);
      await capture.flush();
      expect(batches.flatMap((b) => b.traces.map((t) => t.traceId))).toEqual(['before', 'after']);
      expect(capture.stats()).toMatchObject({ dropped: 2, written: { traces: 2, events: 0 } });
      expect(errors).toEqual([
        'could not prepare a trace/event of signup.before (SyntaxError) for storage',
        'could not prepare a trace/event of signup.before (RangeError) for storage',
      ]);
      expect(errors.join(' ')).not.toMatch(/poison|secret-password/);
      await capture.close();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
