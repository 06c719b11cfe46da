import { maxValueBytes, maxValueDepth } from '../../limits';
import type { Faults } from '../../faults';
import type { ScriptOutcome, ScriptRunner, ScriptRunRequest } from '../../types';
import { SandboxEngine, type ExecutionMonitor } from './engine';
import { toBoundedJson } from './json-bounds';
import { createLuaRuntime, type LuaRuntime } from './runtime';
import { failedOutcome, ScriptRun, type Execution, type SandboxServices } from './script-run';

// The hardened Lua sandbox of one worker thread: a ScriptRunner over a small set of reusable
// engines. Runs may overlap (the scripts of a layer, runs awaiting fetch or secret), so each run
// takes an engine of its own; idle engines are kept for the next runs.
// What the sandbox cannot stop by itself, a C function that never returns to Lua (docs/engine.md,
// "Measured facts about wasmoon": timeouts inside C functions), is the pool's job: the monitor
// tells it which script executes and until when.

export interface SandboxOptions {
  services: SandboxServices;
  /** Idle engines kept for reuse; more are closed when their run ends. */
  maxIdleEngines?: number;
}

/** Per-run additions: the worker reports execution to the watchdog and asks the main thread for secrets. */
export interface RunOptions {
  monitor?: ExecutionMonitor;
  secret?: SandboxServices['secret'];
  /** The job's injected faults (docs/engine.md, "Fault injection"). */
  faults?: Faults;
}

export interface Sandbox extends ScriptRunner {
  run(request: ScriptRunRequest, options?: RunOptions): Promise<ScriptOutcome>;
  /** False once a failure inside the wasm may have corrupted the shared heap: replace the sandbox. */
  readonly healthy: boolean;
  close(): void;
}

const eventBounds = { maxBytes: maxValueBytes, maxDepth: maxValueDepth };
// ctx holds earlier results (each bounded like a value) under ctx.results[scriptId].
const contextBounds = { maxBytes: 8 * maxValueBytes, maxDepth: maxValueDepth + 2 };

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const runtime = await createLuaRuntime();
  return new LuaSandbox(runtime, options.services, options.maxIdleEngines ?? 8);
}

class LuaSandbox implements Sandbox {
  healthy = true;
  private readonly idle: SandboxEngine[] = [];
  private closed = false;

  constructor(
    private readonly runtime: LuaRuntime,
    private readonly services: SandboxServices,
    private readonly maxIdle: number,
  ) {}

  async run(request: ScriptRunRequest, options: RunOptions = {}): Promise<ScriptOutcome> {
    const { script, limits } = request;
    const size = Buffer.byteLength(script.source, 'utf8');
    if (size > limits.maxSourceBytes) {
      return failedOutcome(script.id, {
        code: 'SCRIPT_TOO_LARGE',
        message: `the script is ${size} bytes; at most ${limits.maxSourceBytes} are allowed`,
      });
    }
    const event = toBoundedJson(request.event, eventBounds, 'event');
    if (!event.ok) return failedOutcome(script.id, { code: 'INVALID_EVENT', message: event.message });
    const ctx = toBoundedJson(request.ctx, contextBounds, 'ctx');
    if (!ctx.ok) return failedOutcome(script.id, { code: 'INVALID_EVENT', message: ctx.message });

    const services = options.secret ? { ...this.services, secret: options.secret } : this.services;
    const run = new ScriptRun(request, services, options.faults);
    let execution: Execution;
    let engine: SandboxEngine | undefined;
    try {
      engine = this.idle.pop() ?? new SandboxEngine(this.runtime, this.services);
      execution = await engine.execute(
        run,
        script.source,
        `{"event":${event.json},"ctx":${ctx.json}}`,
        options.monitor,
      );
    } catch (thrown) {
      this.healthy = false;
      execution = {
        kind: 'failure',
        message: `the Lua engine could not start: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
      };
    } finally {
      if (engine) this.release(engine);
    }
    return run.finish(execution);
  }

  close(): void {
    this.closed = true;
    for (const engine of this.idle.splice(0)) engine.close();
  }

  private release(engine: SandboxEngine): void {
    if (engine.broken) {
      this.healthy = false;
      engine.close();
    } else if (!this.closed && this.idle.length < this.maxIdle) {
      this.idle.push(engine);
    } else {
      engine.close();
    }
  }
}
