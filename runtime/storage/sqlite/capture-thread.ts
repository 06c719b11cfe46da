import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RetentionPolicy, StoredEvent, StoredTrace } from '../types';
import type { CaptureWorkerData, FromCaptureWorker, ToCaptureWorker } from './capture-worker';

// The main thread's handle on the capture writer thread (capture-worker.ts): requests in, one
// answer each. Started on first use, so that short-lived users of the storage (the token CLI)
// never start it.

type Pending = { resolve(result: FromCaptureWorker & { type: 'done' }): void; reject(error: Error): void };

export class CaptureThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly dataDir: string,
    private readonly workerUrl: URL = defaultWorkerUrl(),
  ) {}

  async append(events: StoredEvent[], traces: StoredTrace[]): Promise<void> {
    await this.send({ type: 'append', id: this.nextId++, events, traces });
  }

  async prune(policy: RetentionPolicy, now: number): Promise<{ events: number; traces: number }> {
    const answer = await this.send({ type: 'prune', id: this.nextId++, policy, now });
    return answer.result ?? { events: 0, traces: 0 };
  }

  /** Waits for the requests already sent, then stops the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.inFlight);
    await this.worker?.terminate();
  }

  private send(message: ToCaptureWorker): Promise<FromCaptureWorker & { type: 'done' }> {
    if (this.closed) return Promise.reject(new Error('the capture writer is closed'));
    const worker = this.start();
    // Referenced while a request waits, so that the process does not exit with a write unanswered.
    worker.ref();
    const answer = new Promise<FromCaptureWorker & { type: 'done' }>((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      worker.postMessage(message);
    });
    this.inFlight.add(answer);
    const forget = () => {
      this.inFlight.delete(answer);
    };
    answer.then(forget, forget);
    return answer;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerUrl, { workerData: { dataDir: this.dataDir } satisfies CaptureWorkerData });
    worker.on('message', (message: FromCaptureWorker) => {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.type === 'done') pending?.resolve(message);
      else pending?.reject(new Error(message.message));
    });
    const fail = (error: Error) => {
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
      // The next request starts a fresh thread.
      if (this.worker === worker) this.worker = undefined;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the capture writer stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

function defaultWorkerUrl(): URL {
  const besideBundle = new URL('./runtime-capture-worker.mjs', import.meta.url);
  const fromSource = new URL('../../../dist/node/runtime-capture-worker.mjs', import.meta.url);
  return existsSync(fileURLToPath(besideBundle)) ? besideBundle : fromSource;
}
