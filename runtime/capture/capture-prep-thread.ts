import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RedactionPolicy } from '../config';
import type { SecretMasker } from '../secrets/secret-masker';
import type { CapturePreparer, PreparedBatch } from './capture-prep';
import type {
  CapturePrepWorkerData,
  FromCapturePrepWorker,
  PrepItem,
  ToCapturePrepWorker,
} from './capture-prep-worker';

// The main thread's handle on the capture preparation thread (capture-prep-worker.ts): a batch in,
// its prepared rows out. Started on first use; a thread that dies fails the batches it held (the
// capture writer counts them as dropped) and the next batch starts a fresh one, to which the
// maskers are sent again.

type Pending = { resolve(batch: PreparedBatch): void; reject(error: Error): void };

/** Maskers the thread keeps; older ones are forgotten (a masker changes only with secrets or the active bundle). */
const maxMaskers = 16;

export class CapturePrepThread implements CapturePreparer {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly inFlight = new Set<Promise<PreparedBatch>>();
  private readonly maskerIds = new WeakMap<SecretMasker, number>();
  /** Ids the running thread has, oldest first. */
  private sent: number[] = [];
  private nextMasker = 1;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly data: CapturePrepWorkerData,
    private readonly workerUrl: URL = defaultWorkerUrl(),
  ) {}

  prepare(items: Parameters<CapturePreparer['prepare']>[0]): Promise<PreparedBatch> {
    if (this.closed) return Promise.reject(new Error('the capture preparation thread is closed'));
    const worker = this.start();
    const prepItems: PrepItem[] = items.map(({ hook, trace, event, masker }) => ({
      hook,
      trace,
      ...(event ? { event } : {}),
      masker: this.maskerId(worker, masker),
    }));
    const id = this.nextId++;
    // Referenced while a batch waits, so that the process does not exit with captures unprepared.
    worker.ref();
    const answer = new Promise<PreparedBatch>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ type: 'prepare', id, items: prepItems } satisfies ToCapturePrepWorker);
    });
    this.inFlight.add(answer);
    const forget = () => void this.inFlight.delete(answer);
    answer.then(forget, forget);
    return answer;
  }

  /** Waits for the batches already sent, then stops the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.inFlight);
    await this.worker?.terminate();
  }

  private maskerId(worker: Worker, masker: SecretMasker): number {
    let id = this.maskerIds.get(masker);
    if (id === undefined) {
      id = this.nextMasker++;
      this.maskerIds.set(masker, id);
    }
    if (!this.sent.includes(id)) {
      worker.postMessage({ type: 'masker', id, values: [...masker.values] } satisfies ToCapturePrepWorker);
      this.sent.push(id);
      if (this.sent.length > maxMaskers) {
        const oldest = this.sent.shift() as number;
        worker.postMessage({ type: 'forget-masker', id: oldest } satisfies ToCapturePrepWorker);
      }
    }
    return id;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerUrl, { workerData: this.data });
    worker.on('message', (message: FromCapturePrepWorker) => {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.type === 'done') {
        pending?.resolve({ events: message.events, traces: message.traces, failures: message.failures });
      } else pending?.reject(new Error(`the capture preparation thread failed (${message.message})`));
    });
    const fail = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.sent = [];
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the capture preparation thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

export function createPrepThread(policy: RedactionPolicy, source: string, workerUrl?: URL): CapturePrepThread {
  return new CapturePrepThread({ policy, source }, workerUrl);
}

function defaultWorkerUrl(): URL {
  const besideBundle = new URL('./runtime-capture-prep-worker.mjs', import.meta.url);
  const fromSource = new URL('../../dist/node/runtime-capture-prep-worker.mjs', import.meta.url);
  return existsSync(fileURLToPath(besideBundle)) ? besideBundle : fromSource;
}
