import { parentPort, workerData } from 'node:worker_threads';
import type { Trace } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';
import type { RedactionPolicy } from '../config';
import { SecretMasker } from '../secrets/secret-masker';
import { prepareItem, type CapturedEventInput, type PreparedBatch } from './capture-prep';
import { createRedactor } from './redaction';

// The capture preparation thread (bundled to dist/node/runtime-capture-prep-worker.mjs): masks,
// redacts and serialises captured items off the event loop that answers requests
// (capture-prep.ts says why). Maskers arrive once each, by id, before the first batch that uses them.

export interface CapturePrepWorkerData {
  policy: RedactionPolicy;
  source: string;
}

export interface PrepItem {
  hook: HookId;
  trace: Trace;
  event?: CapturedEventInput;
  masker: number;
}

export type ToCapturePrepWorker =
  | { type: 'masker'; id: number; values: string[] }
  | { type: 'forget-masker'; id: number }
  | { type: 'prepare'; id: number; items: PrepItem[] };

export type FromCapturePrepWorker =
  ({ type: 'done'; id: number } & PreparedBatch) | { type: 'failed'; id: number; message: string };

const port = parentPort;
if (!port) throw new Error('the capture preparation worker must run in a worker thread');
const { policy, source } = workerData as CapturePrepWorkerData;
const redactor = createRedactor(policy);
const maskers = new Map<number, SecretMasker>();

port.on('message', (message: ToCapturePrepWorker) => {
  if (message.type === 'masker') {
    maskers.set(message.id, new SecretMasker(message.values));
    return;
  }
  if (message.type === 'forget-masker') {
    maskers.delete(message.id);
    return;
  }
  try {
    const batch: PreparedBatch = { events: [], traces: [], failures: [] };
    for (const item of message.items) {
      const masker = maskers.get(item.masker);
      // A masker that never arrived would leave secrets unmasked: the item is refused instead.
      if (!masker) batch.failures.push(`${item.hook} (no masker ${item.masker})`);
      else prepareItem(batch, item, masker, redactor, source);
    }
    port.postMessage({ type: 'done', id: message.id, ...batch } satisfies FromCapturePrepWorker);
  } catch (error) {
    port.postMessage({
      type: 'failed',
      id: message.id,
      message: error instanceof Error ? error.name : 'an error',
    } satisfies FromCapturePrepWorker);
  }
});
