// A SharedArrayBuffer per worker in which the worker records which script is executing Lua and
// until when, and a heartbeat of its event loop. The pool's watchdog reads it without a message:
// a script stuck inside a C function (a string pattern, which no hook interrupts) never returns to
// the event loop, so the worker could not answer one. Writes use a sequence lock: the writer makes
// the sequence odd while it writes, the reader retries when it sees an odd or changed sequence.

const SEQ = 0;
const STATE = 1;
const JOB = 2;
const LAYER = 3;
const INDEX = 4;
const HEARTBEAT = 5;
// Float64 slots after the six Int32 ones (byte offsets 24 and 32).
const STARTED = 3;
const DEADLINE = 4;

export const executionSlotBytes = 48;

/** What a worker is executing: the job, and the script's layer and index in that job's plan. */
export interface ExecutingScript {
  jobId: number;
  layer: number;
  index: number;
  /** Epoch milliseconds. */
  startedAt: number;
  deadline: number;
}

export function createExecutionSlot(): SharedArrayBuffer {
  return new SharedArrayBuffer(executionSlotBytes);
}

export class ExecutionSlotWriter {
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;

  constructor(buffer: SharedArrayBuffer) {
    this.ints = new Int32Array(buffer);
    this.floats = new Float64Array(buffer);
  }

  enter(jobId: number, layer: number, index: number, startedAt: number, deadline: number): void {
    Atomics.add(this.ints, SEQ, 1);
    this.ints[JOB] = jobId;
    this.ints[LAYER] = layer;
    this.ints[INDEX] = index;
    this.floats[STARTED] = startedAt;
    this.floats[DEADLINE] = deadline;
    Atomics.store(this.ints, STATE, 1);
    Atomics.add(this.ints, SEQ, 1);
  }

  leave(): void {
    Atomics.add(this.ints, SEQ, 1);
    Atomics.store(this.ints, STATE, 0);
    Atomics.add(this.ints, SEQ, 1);
  }

  beat(): void {
    Atomics.add(this.ints, HEARTBEAT, 1);
  }
}

export interface SlotReading {
  /** Changes whenever the worker enters or leaves a script or its event loop turns. */
  progress: number;
  executing: ExecutingScript | undefined;
}

export function readExecutionSlot(buffer: SharedArrayBuffer): SlotReading | undefined {
  const ints = new Int32Array(buffer);
  const floats = new Float64Array(buffer);
  for (let attempt = 0; attempt < 8; attempt++) {
    const before = Atomics.load(ints, SEQ);
    if (before % 2 !== 0) continue;
    const executing = Atomics.load(ints, STATE) === 1;
    const reading: SlotReading = {
      progress: before + Atomics.load(ints, HEARTBEAT) * 2 ** 20,
      executing: executing
        ? {
            jobId: ints[JOB] ?? 0,
            layer: ints[LAYER] ?? -1,
            index: ints[INDEX] ?? -1,
            startedAt: floats[STARTED] ?? 0,
            deadline: floats[DEADLINE] ?? 0,
          }
        : undefined,
    };
    if (Atomics.load(ints, SEQ) === before) return reading;
  }
  return undefined;
}
