import type { RetentionPolicy, StoredEvent, StoredTrace } from './types';

// What the main thread and a storage's capture writer thread say to each other (capture-thread.ts
// on the main side; sqlite/capture-worker.ts and postgres/capture-worker.ts on the other): one
// request, one answer with the same id.

export type ToCaptureWorker =
  | { type: 'append'; id: number; events: StoredEvent[]; traces: StoredTrace[] }
  | { type: 'prune'; id: number; policy: RetentionPolicy; now: number };

export type FromCaptureWorker =
  | { type: 'done'; id: number; result?: { events: number; traces: number } }
  | { type: 'failed'; id: number; message: string };
