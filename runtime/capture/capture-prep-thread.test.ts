import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { redactionSchema } from '../config';
import { SecretMasker } from '../secrets/secret-masker';
import { createInlinePreparer } from './capture-prep';
import { createPrepThread, type CapturePrepThread } from './capture-prep-thread';
import { createRedactor } from './redaction';
import { sampleTrace } from './testing';

// The preparation thread with the real bundled worker (dist/node, built by vitest's global setup).

const policy = redactionSchema.parse({});
const threads: CapturePrepThread[] = [];
afterEach(async () => {
  await Promise.all(threads.splice(0).map((thread) => thread.close()));
});
function thread() {
  const created = createPrepThread(policy, 'production');
  threads.push(created);
  return created;
}

const trace = sampleTrace;

const item = (id: string, masker: SecretMasker) => ({
  hook: 'signup.before' as const,
  trace: trace(id),
  masker,
  event: {
    id: `evt_${id}`,
    at: 1000,
    payload: { user: { email: 'ada@example.com', note: 'key hunter2-secret' }, password: { value: 'p' } },
    outcome: { allow: false, reason: 'ada@example.com is blocked', code: 'ada@example.com' },
  },
});

describe('the capture preparation thread', () => {
  it('prepares exactly what the in-process preparer does: masked, redacted, serialised', async () => {
    const masker = new SecretMasker(['hunter2-secret']);
    const items = [item('a', masker), item('b', masker), { hook: 'signup.before' as const, trace: trace('c'), masker }];
    const inThread = await thread().prepare(items);
    const inline = await createInlinePreparer(createRedactor(policy), 'production').prepare(items);
    expect(inThread).toEqual(inline);
    expect(inThread.traces.map((t) => t.traceId)).toEqual(['a', 'b', 'c']);
    const line = JSON.parse(inThread.events[0]?.line ?? '') as Record<string, unknown>;
    expect(line).toMatchObject({
      event: { user: { email: 'a***@example.com', note: 'key [secret]' } },
      source: 'production',
    });
    expect(JSON.stringify(inThread)).not.toContain('hunter2-secret');
  });

  it('fails the batches of a thread that stopped, and starts a fresh one that gets the maskers again', async () => {
    const prep = thread();
    const masker = new SecretMasker(['hunter2-secret']);
    expect((await prep.prepare([item('a', masker)])).traces).toHaveLength(1);
    const worker = (prep as unknown as { worker: Worker }).worker;
    const pending = prep.prepare([item('b', masker)]);
    await worker.terminate();
    // The batch in flight either finished before the stop or fails with it; never hangs.
    const settled = await pending.then(
      (batch) => ({ ok: true as const, batch }),
      (error: Error) => ({ ok: false as const, message: error.message }),
    );
    if (!settled.ok) expect(settled.message).toMatch(/the capture preparation thread stopped/);
    const again = await prep.prepare([item('c', masker)]);
    expect(again.failures).toEqual([]);
    expect(again.traces[0]?.json).toContain('[secret]');
    expect(JSON.stringify(again)).not.toContain('hunter2-secret');
  });

  it('refuses to prepare after close', async () => {
    const prep = thread();
    await prep.close();
    await expect(prep.prepare([item('a', new SecretMasker([]))])).rejects.toThrow(/closed/);
  });
});
