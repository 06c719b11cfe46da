import { randomFillSync } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { Faults } from '../faults';
import { runPipeline } from '../pipeline';
import type {
  EngineClock,
  ExecutionPlan,
  IdSource,
  JsonObject,
  ScriptOutcome,
  ScriptRunner,
  ScriptUnit,
} from '../types';
import { createGuardedFetch, type GuardedFetchOptions } from './helpers/fetch';
import { matches } from './helpers/matches';
import { ExecutionSlotWriter } from './sandbox/execution-slot';
import type { ExecutionMonitor } from './sandbox/engine';
import { createSandbox, type Sandbox } from './sandbox/sandbox';

// The engine worker (bundled to dist/node/engine-worker.mjs): one Lua sandbox per thread. It knows
// one kind of job, a pipeline run for one event (a lone script is a plan of one layer,
// single-script-plan.ts); the pipeline runs here rather than one message per script, and its plan
// is cached by id so that it is not sent with every event.
// While a script executes Lua, the execution slot says which and until when; the pool terminates
// this thread when a script overstays (a C function that no hook interrupts and that does not
// return to Lua).
// Secret values live in the main thread: helpers.secret asks for them over the port, naming its
// job, whose provider answers (worker-handle.ts).

/** The options of createGuardedFetch that can cross to a thread (no functions). */
export interface WorkerFetchOptions {
  ca?: string | readonly string[];
  /** TESTS ONLY: addresses a test server listens on, which the address check then lets through. */
  unsafeAllowAddressesForTests?: readonly string[];
}

export interface EngineWorkerData {
  slot: SharedArrayBuffer;
  /** false leaves helpers.fetch unavailable: it raises FETCH_BLOCKED. */
  fetch: WorkerFetchOptions | false;
}

export type ToWorker =
  | {
      type: 'pipeline';
      jobId: number;
      planId: string;
      plan?: ExecutionPlan;
      event: JsonObject;
      forced: Record<string, ScriptOutcome>;
      /** Injected fetch and secret faults (docs/engine.md, "Fault injection"); faulted scripts are in `forced`. */
      faults?: Faults;
    }
  | { type: 'secret'; requestId: number; value?: string };

export type FromWorker =
  | { type: 'ready' }
  // The result and trace travel as one JSON string: structured-cloning ~6 KB of nested objects per
  // event cost more worker time than JSON.stringify/parse (measured in bench/replay-throughput).
  | { type: 'pipeline-done'; jobId: number; payload: string }
  | { type: 'need-plan'; jobId: number }
  | { type: 'job-failed'; jobId: number; message: string }
  | { type: 'secret'; requestId: number; jobId: number; name: string }
  | { type: 'retire'; reason: string };

/** Plans kept per worker; an evicted one is asked for again (need-plan). */
const maxCachedPlans = 64;
const heartbeatMs = 50;

interface CachedPlan {
  plan: ExecutionPlan;
  positions: Map<ScriptUnit, readonly [number, number]>;
}

const port = parentPort;
if (!port) throw new Error('engine-worker must run in a worker thread');
const data = workerData as EngineWorkerData;
const slot = new ExecutionSlotWriter(data.slot);
setInterval(() => slot.beat(), heartbeatMs);

const plans = new Map<string, CachedPlan>();
const secretReplies = new Map<number, (value: string | undefined) => void>();
let nextSecretRequest = 1;
let retired = false;

const clock: EngineClock = { now: () => performance.timeOrigin + performance.now() };

// Ids come from a pooled random buffer: one randomBytes call per id cost more than the scripts
// of a typical pipeline run (measured ~30 µs each on this machine).
const randomPool = Buffer.alloc(4096);
let randomOffset = randomPool.length;
function randomHex(bytes: number): string {
  if (randomOffset + bytes > randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  randomOffset += bytes;
  return randomPool.toString('hex', randomOffset - bytes, randomOffset);
}
const ids: IdSource = { traceId: () => randomHex(16), spanId: () => randomHex(8) };

const post = (message: FromWorker) => port.postMessage(message);

function guardedFetch(options: WorkerFetchOptions | false) {
  if (options === false) return undefined;
  const fetchOptions: GuardedFetchOptions = {};
  if (options.ca !== undefined) fetchOptions.ca = options.ca;
  const allowed = options.unsafeAllowAddressesForTests;
  if (allowed && allowed.length > 0) fetchOptions.unsafeAllowAddressForTests = (address) => allowed.includes(address);
  return createGuardedFetch(fetchOptions);
}

const sandboxReady: Promise<Sandbox> = createSandbox({ services: { matches, fetch: guardedFetch(data.fetch) } });
void sandboxReady.then(() => post({ type: 'ready' }));

function secretFor(jobId: number) {
  return (name: string) =>
    new Promise<string | undefined>((resolve) => {
      const requestId = nextSecretRequest++;
      secretReplies.set(requestId, resolve);
      post({ type: 'secret', requestId, jobId, name });
    });
}

function monitorFor(jobId: number, layer: number, index: number): ExecutionMonitor {
  return {
    enter: (startedAt, deadline) => slot.enter(jobId, layer, index, startedAt, deadline),
    leave: () => slot.leave(),
  };
}

function cachePlan(planId: string, plan: ExecutionPlan): CachedPlan {
  const positions = new Map<ScriptUnit, readonly [number, number]>();
  plan.layers.forEach((layer, l) => layer.forEach((script, i) => positions.set(script, [l, i])));
  const cached = { plan, positions };
  plans.delete(planId);
  plans.set(planId, cached);
  if (plans.size > maxCachedPlans) plans.delete(plans.keys().next().value as string);
  return cached;
}

async function runPipelineJob(sandbox: Sandbox, message: Extract<ToWorker, { type: 'pipeline' }>): Promise<void> {
  const { jobId, planId, forced, faults } = message;
  const cached = message.plan ? cachePlan(planId, message.plan) : plans.get(planId);
  if (!cached) {
    post({ type: 'need-plan', jobId });
    return;
  }
  if (!message.plan) {
    plans.delete(planId);
    plans.set(planId, cached);
  }
  const secret = secretFor(jobId);
  const runner: ScriptRunner = {
    run(request) {
      // A script the watchdog stopped in an earlier attempt of this job is not run again.
      const stopped = Object.prototype.hasOwnProperty.call(forced, request.script.id)
        ? forced[request.script.id]
        : undefined;
      if (stopped) return Promise.resolve(stopped);
      const [layer, index] = cached.positions.get(request.script) ?? [-1, -1];
      return sandbox.run(request, { monitor: monitorFor(jobId, layer, index), secret, ...(faults ? { faults } : {}) });
    },
  };
  const { result, trace } = await runPipeline({ plan: cached.plan, event: message.event }, { runner, clock, ids });
  post({ type: 'pipeline-done', jobId, payload: JSON.stringify({ result, trace }) });
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'secret') {
    const reply = secretReplies.get(message.requestId);
    secretReplies.delete(message.requestId);
    reply?.(message.value);
    return;
  }
  const sandbox = await sandboxReady;
  try {
    await runPipelineJob(sandbox, message);
  } catch (thrown) {
    post({
      type: 'job-failed',
      jobId: message.jobId,
      message: thrown instanceof Error ? thrown.message : String(thrown),
    });
  }
  if (!sandbox.healthy && !retired) {
    // The shared wasm heap may be corrupt: the pool replaces this worker and retries what is left.
    retired = true;
    post({ type: 'retire', reason: 'the Lua runtime failed inside WebAssembly' });
  }
}

port.on('message', (message: ToWorker) => {
  void handle(message);
});
