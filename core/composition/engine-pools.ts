import { availableParallelism } from 'node:os';
import { createEnginePool, type EnginePool } from '../../shared/engine/node';

// The core's two engine pools, each started on first use (a pool starts worker threads):
// - the editor's: one worker is enough for its runs; the watchdog still stops a stuck script;
// - the replays': a worker per core, kept once made. Separate from the editor's, so that a long
//   replay never queues the editor's runs behind thousands of events.
// Neither has a secret provider of its own: every run brings its environment's (secretsFor), so
// runs of different environments share a pool without ever reading another's values.

export interface EnginePoolsOptions {
  /** The engine's bundled worker, for hosts whose bundle does not sit beside it (the desktop core). */
  engineWorkerUrl?: URL | undefined;
}

export class EnginePools {
  private editorPool: EnginePool | null = null;
  private replayPool: EnginePool | null = null;

  constructor(private readonly options: EnginePoolsOptions) {}

  editor(): EnginePool {
    this.editorPool ??= this.create(1);
    return this.editorPool;
  }

  replays(): EnginePool {
    this.replayPool ??= this.create(availableParallelism());
    return this.replayPool;
  }

  /** Stops the workers of the pools that were made. */
  async close(): Promise<void> {
    const pools = [this.editorPool, this.replayPool];
    this.editorPool = null;
    this.replayPool = null;
    await Promise.all(pools.map((pool) => pool?.close()));
  }

  private create(workers: number): EnginePool {
    const { engineWorkerUrl } = this.options;
    return createEnginePool({ workers, ...(engineWorkerUrl ? { workerUrl: engineWorkerUrl } : {}) });
  }
}
