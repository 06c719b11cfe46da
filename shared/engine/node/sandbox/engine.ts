import { LuaEngine } from 'wasmoon';
import { maxValueBytes, maxValueDepth } from '../../limits';
import { createHostFunctions, hostFunctionNames } from './host-functions';
import {
  LUA_ERRMEM,
  LUA_MASKCOUNT,
  LUA_OK,
  LUA_REGISTRYINDEX,
  LUA_TNUMBER,
  LUA_TSTRING,
  LUA_TTABLE,
  LUA_YIELD,
  type LuaState,
} from './lua-api';
import { sandboxEnvSource } from './prelude-env';
import { jsonCodecSource } from './prelude-json';
import type { LuaRuntime } from './runtime';
import type { Execution, LimitCode, SandboxServices, ScriptRun } from './script-run';

// One hardened Lua state, reused across runs (creating one per run is slow), one run at a time.
// Runs cannot affect each other: each gets a fresh environment from the prelude, its own thread,
// and the engine's main stack is back to empty after every run (wasmoon's doString leaves results
// there, and a stack that keeps growing ends in "memory access out of bounds").
// Limits: a count hook charges the instruction budget and checks the wall-clock deadline; once a
// limit is hit it fires on every instruction and raises again, so pcall cannot swallow it (a
// limit raised once would be caught by the script's pcall and its loop would go on). Time spent in
// a C function is checked when it returns (after every host function, and when the run ends), so a
// run that outlived its deadline is a TIMEOUT even when the watchdog did not have to stop it.
// A memory cap in our own allocator applies while the script executes; host pushes happen with the
// cap lifted, because an allocation error outside a protected call would panic.
// Instruction counts are exact: the hook adds hookInterval per firing, and what each thread of the
// run executed since its last firing is read from its lua_State when the thread is freed or the
// run ends (threadLayout).

/**
 * Instructions between two hook calls: the granularity of the budget and of the deadline checks
 * in Lua code. Reported counts are exact all the same: see `countRemainders`.
 */
export const hookInterval = 1000;
/** LUA_TTHREAD: the tag lua_Alloc gets as its old size when Lua allocates a new thread. */
const LUA_TTHREAD = 8;
/** Garbage left by a run above this is collected before the next one, so it does not count against it. */
const collectThreshold = 2 * 1024 * 1024;
const LUA_TFUNCTION = 6;
/** Compiled scripts kept per engine; their code counts against the engine's memory. */
const maxCompiledScripts = 32;

/**
 * Where the count-hook fields of a thread are, measured once per wasm instance (measureLayout):
 * lua_State keeps `basehookcount` (the interval) next to `hookcount` (instructions left until the
 * next firing), and the C API only returns the first (lua_gethookcount).
 */
interface ThreadLayout {
  /** sizeof(LX): the size lua_Alloc allocates and frees a thread with. */
  blockSize: number;
  /** From the block lua_Alloc returned to the lua_State (LUA_EXTRASPACE). */
  stateOffset: number;
  /** Byte offsets of basehookcount and hookcount in lua_State. */
  baseCount: number;
  count: number;
}
const layouts = new WeakMap<LuaRuntime, ThreadLayout>();

export interface ExecutionMonitor {
  /** The script's Lua code starts (or resumes) executing; epoch milliseconds. */
  enter(startedAt: number, deadline: number): void;
  /** It stopped executing: finished, failed or awaiting a helper. */
  leave(): void;
}

export class SandboxEngine {
  /** Set when a call into the wasm failed in a way Lua did not handle: do not reuse this engine. */
  broken = false;
  private readonly engine: LuaEngine;
  private readonly L: LuaState;
  private readonly refs: { compile: number; prepare: number; runBody: number; errorInfo: number; collect: number };
  /** Compiled chunks by source, least recently used first. */
  private readonly compiled = new Map<string, number>();
  private readonly allocPtr: number;
  private readonly hookPtr: number;
  private readonly host: { release(): void };
  private readonly layout: ThreadLayout;
  /** Blocks of the threads created by the active run (its own and the script's coroutines). */
  private readonly threads = new Set<number>();
  /** The last thread Lua allocated: measureLayout finds the block of a thread it creates. */
  private lastThread: { block: number; size: number } | undefined;
  private active: ScriptRun | undefined;
  private thread: LuaState = 0;
  private used: number;
  private peak = 0;
  private cap = Number.POSITIVE_INFINITY;
  /** The last refused growth, until the next growth shows whether Lua retried it. */
  private refused: { ptr: number; size: number } | undefined;
  private baseline = 0;

  constructor(
    private readonly runtime: LuaRuntime,
    services: SandboxServices,
  ) {
    const { raw, module, strings } = runtime;
    this.engine = new LuaEngine(runtime.wasm, {
      openStandardLibs: false,
      enableProxy: false,
      traceAllocations: true,
      injectObjects: false,
    });
    const L = this.engine.global.address;
    this.L = L;
    this.used = this.engine.global.getMemoryUsed();
    this.allocPtr = module.addFunction(this.allocate, 'iiiii');
    raw.setallocf(L, this.allocPtr, 0);
    raw.atpanic(L, runtime.panic);
    this.hookPtr = module.addFunction(this.hook, 'vii');
    const host = createHostFunctions({
      runtime,
      services,
      activeRun: () => this.active,
      afterCall: this.afterHostCall,
    });
    this.host = host;
    this.layout = layouts.get(runtime) ?? this.measureLayout();
    layouts.set(runtime, this.layout);

    raw.openlib(L, 'base');
    raw.settop(L, 0);
    for (const lib of ['coroutine', 'table', 'string', 'utf8', 'math', 'debug'] as const) {
      raw.openlib(L, lib);
      raw.setglobal(L, strings.cstring(lib));
    }
    this.load(sandboxEnvSource, '=sandbox');
    this.load(jsonCodecSource, '=sandbox-json');
    raw.pushinteger(L, BigInt(maxValueBytes));
    raw.pushinteger(L, BigInt(maxValueDepth));
    this.check(raw.pcallk(L, 2, 1, 0, 0, 0), 'the JSON codec');
    raw.createtable(L, 0, hostFunctionNames.length);
    for (const name of hostFunctionNames) {
      raw.pushcclosure(L, host.pointers[name], 0);
      raw.setfield(L, -2, strings.cstring(name));
    }
    this.check(raw.pcallk(L, 2, 1, 0, 0, 0), 'the sandbox prelude');
    const ref = (field: string): number => {
      raw.getfield(L, -1, strings.cstring(field));
      return raw.ref(L, LUA_REGISTRYINDEX);
    };
    this.refs = {
      compile: ref('compile'),
      prepare: ref('prepare'),
      runBody: ref('run_body'),
      errorInfo: ref('error_info'),
      collect: ref('collect'),
    };
    raw.settop(L, 0);
    this.collect();
    this.baseline = this.used;
  }

  /** Runs one script to its end; never throws for anything the script does. */
  async execute(run: ScriptRun, source: string, inputJson: string, monitor?: ExecutionMonitor): Promise<Execution> {
    const { raw, strings, module, nresPtr } = this.runtime;
    const L = this.L;
    const base = raw.gettop(L);
    this.active = run;
    try {
      const T = raw.newthread(L);
      const syntaxError = this.pushCompiled(source);
      if (syntaxError) return syntaxError;
      raw.rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.refs.prepare));
      strings.push(L, inputJson);
      const prepared = raw.pcallk(L, 1, 1, 0, 0, 0);
      if (prepared !== LUA_OK) return this.failure('prepare the run', prepared);
      raw.rawgeti(T, LUA_REGISTRYINDEX, BigInt(this.refs.runBody));
      raw.xmove(L, T, 2);
      raw.sethook(T, this.hookPtr, LUA_MASKCOUNT, hookInterval);
      this.thread = T;
      this.peak = this.used;
      let nargs = 2;
      for (;;) {
        monitor?.enter(run.startedAt, run.deadlineEpoch);
        this.cap = run.request.limits.memoryBytes;
        let status: number;
        try {
          status = raw.resume(T, L, nargs, nresPtr);
        } finally {
          this.cap = Number.POSITIVE_INFINITY;
          if (this.refused) this.overrun();
          this.refused = undefined;
          monitor?.leave();
        }
        const nres = module.HEAPU32[nresPtr >> 2] ?? 0;
        if (status === LUA_YIELD) {
          const id =
            nres === 2 && raw.type(T, -2) === LUA_TTABLE && raw.type(T, -1) === LUA_TNUMBER
              ? raw.tonumberx(T, -1, 0)
              : 0;
          raw.settop(T, 0);
          if (id === 0) return { kind: 'error', message: 'attempt to yield from outside a coroutine' };
          const settled = await run.settle(id);
          if (run.tripped) return { kind: 'limit', code: run.tripped };
          if (settled === 'timeout' || performance.now() > run.deadline) return { kind: 'limit', code: 'TIMEOUT' };
          raw.pushboolean(T, settled.ok ? 1 : 0);
          strings.push(T, settled.ok ? settled.payload : settled.message);
          nargs = 2;
          continue;
        }
        if (run.tripped) return { kind: 'limit', code: run.tripped };
        if (status === LUA_OK) {
          const first = raw.gettop(T) - nres + 1;
          if (nres >= 1 && raw.type(T, first) === LUA_TSTRING) return { kind: 'value', json: strings.read(T, first) };
          const message =
            nres >= 2 && raw.type(T, first + 1) === LUA_TSTRING
              ? strings.read(T, first + 1)
              : 'the result is not plain data';
          return { kind: 'invalid', message };
        }
        if (status === LUA_ERRMEM) return { kind: 'limit', code: 'MEMORY_LIMIT' };
        return this.readError(T, base + 1);
      }
    } catch (thrown) {
      // A trap or panic inside the wasm: Lua's state can no longer be trusted.
      this.broken = true;
      return {
        kind: 'failure',
        message: `the Lua engine failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
      };
    } finally {
      run.memoryPeak = this.peak;
      if (!this.broken) this.countRemainders(run);
      this.threads.clear();
      this.active = undefined;
      this.thread = 0;
      if (!this.broken) {
        raw.settop(L, base);
        if (this.used > this.baseline + collectThreshold) this.collect();
      }
    }
  }

  /** A broken engine's state is left alone (and leaks): closing it could run into the damage. */
  close(): void {
    if (this.broken) return;
    const { module } = this.runtime;
    this.engine.global.close();
    module.removeFunction(this.hookPtr);
    module.removeFunction(this.allocPtr);
    this.host.release();
  }

  /**
   * Pushes the compiled chunk of `source` on the main stack, from the cache when it was compiled
   * before (compiling dominates the cost of a short run); returns the Execution of a syntax error.
   */
  private pushCompiled(source: string): Execution | undefined {
    const { raw, strings } = this.runtime;
    const L = this.L;
    const cached = this.compiled.get(source);
    if (cached !== undefined) {
      this.compiled.delete(source);
      this.compiled.set(source, cached);
      raw.rawgeti(L, LUA_REGISTRYINDEX, BigInt(cached));
      return undefined;
    }
    raw.rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.refs.compile));
    strings.push(L, source);
    const status = raw.pcallk(L, 1, 2, 0, 0, 0);
    if (status !== LUA_OK) return this.failure('compile the script', status);
    if (raw.type(L, -2) !== LUA_TFUNCTION) {
      const message = raw.type(L, -1) === LUA_TSTRING ? strings.read(L, -1, 4000) : 'syntax error';
      return { kind: 'syntax', message, ...lineOf(message) };
    }
    raw.settop(L, -2);
    raw.pushvalue(L, -1);
    this.compiled.set(source, raw.ref(L, LUA_REGISTRYINDEX));
    if (this.compiled.size > maxCompiledScripts) {
      const [oldest, ref] = this.compiled.entries().next().value as [string, number];
      this.compiled.delete(oldest);
      raw.unref(L, LUA_REGISTRYINDEX, ref);
    }
    return undefined;
  }

  private failure(what: string, status: number): Execution {
    const { raw, strings } = this.runtime;
    if (status === LUA_ERRMEM) return { kind: 'limit', code: 'MEMORY_LIMIT' };
    const detail = raw.type(this.L, -1) === LUA_TSTRING ? strings.read(this.L, -1, 500) : `status ${status}`;
    return { kind: 'failure', message: `the sandbox could not ${what}: ${detail}` };
  }

  /**
   * The error object of a dead thread, read by the prelude with raw access only: converting it
   * with tostring would run its __tostring, and one that errors or loops made Lua abort outside
   * any protected call.
   */
  private readError(T: LuaState, threadIndex: number): Execution {
    const { raw, strings } = this.runtime;
    const L = this.L;
    raw.rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.refs.errorInfo));
    raw.xmove(T, L, 1);
    raw.pushvalue(L, threadIndex);
    if (raw.pcallk(L, 2, 2, 0, 0, 0) !== LUA_OK || raw.type(L, -2) !== LUA_TSTRING) {
      return { kind: 'error', message: '(the error object could not be read)' };
    }
    const message = strings.read(L, -2);
    if (raw.type(L, -1) === LUA_TNUMBER) return { kind: 'error', message, line: Number(raw.tointegerx(L, -1, 0)) };
    return { kind: 'error', message };
  }

  private load(source: string, name: string): void {
    const { raw, strings } = this.runtime;
    const { ptr, len } = strings.write(source);
    this.check(raw.loadbufferx(this.L, ptr, len, strings.cstring(name), strings.cstring('t')), name);
  }

  private check(status: number, what: string): void {
    if (status === LUA_OK) return;
    const { raw, strings } = this.runtime;
    const detail = raw.type(this.L, -1) === LUA_TSTRING ? strings.read(this.L, -1) : `status ${status}`;
    throw new Error(`could not load ${what}: ${detail}`);
  }

  private collect(): void {
    const { raw } = this.runtime;
    raw.rawgeti(this.L, LUA_REGISTRYINDEX, BigInt(this.refs.collect));
    raw.pcallk(this.L, 0, 0, 0, 0, 0);
    raw.settop(this.L, 0);
  }

  /**
   * lua_Alloc. After most refusals Lua collects garbage and repeats the identical request at once;
   * a refusal that is not followed by that retry (string buffers do not retry), or a refused
   * retry, is a real overrun: it trips MEMORY_LIMIT, so that pcall cannot hide it.
   */
  private readonly allocate = (_ud: number, ptr: number, oldSize: number, newSize: number): number => {
    const { module } = this.runtime;
    if (newSize === 0) {
      if (ptr) {
        // A thread of the run that the collector frees: count what it executed since its last firing.
        if (this.threads.size !== 0 && oldSize === this.layout.blockSize && this.threads.delete(ptr) && this.active)
          this.active.instructions += this.sinceLastFiring(ptr);
        this.used -= oldSize;
        module._free(ptr);
      }
      return 0;
    }
    const growth = ptr ? newSize - oldSize : newSize;
    if (growth > 0) {
      const retry = this.refused !== undefined && this.refused.ptr === ptr && this.refused.size === newSize;
      if (this.refused && !retry) this.overrun();
      this.refused = undefined;
      if (this.used + growth > this.cap) {
        if (retry) this.overrun();
        else this.refused = { ptr, size: newSize };
        return 0;
      }
    }
    const next = module._realloc(ptr, newSize);
    if (!next) return 0;
    if (ptr === 0 && oldSize === LUA_TTHREAD) {
      // For a new object lua_Alloc gets its type as the old size.
      this.lastThread = { block: next, size: newSize };
      if (this.active) this.threads.add(next);
    }
    this.used += growth;
    if (this.used > this.peak) this.peak = this.used;
    return next;
  };

  private overrun(): void {
    if (this.active) this.active.tripped ??= 'MEMORY_LIMIT';
  }

  /** lua_Hook for LUA_MASKCOUNT. */
  private readonly hook = (L: LuaState): void => {
    const run = this.active;
    if (!run) return;
    if (run.tripped === undefined) {
      run.instructions += hookInterval;
      if (run.instructions > run.request.limits.instructionBudget) run.tripped = 'INSTRUCTION_LIMIT';
      else if (performance.now() > run.deadline) run.tripped = 'TIMEOUT';
      else return;
    }
    this.raiseLimit(L, run.tripped);
  };

  /**
   * Called when a host function returns into Lua: a call that ended past the deadline (a costly
   * helpers.matches, a helper that waited) ends the run as TIMEOUT before the script can use its
   * result, whether or not the watchdog would have stopped it.
   */
  private readonly afterHostCall = (L: LuaState): void => {
    const run = this.active;
    if (run && run.tripped === undefined && performance.now() > run.deadline) {
      run.tripped = 'TIMEOUT';
      this.raiseLimit(L, run.tripped);
    }
  };

  /** Raises a limit in the running thread and makes the hook fire on every instruction from now on. */
  private raiseLimit(L: LuaState, code: LimitCode): void {
    const { raw, strings } = this.runtime;
    raw.sethook(L, this.hookPtr, LUA_MASKCOUNT, 1);
    if (this.thread && this.thread !== L) raw.sethook(this.thread, this.hookPtr, LUA_MASKCOUNT, 1);
    strings.push(L, code);
    raw.error(L);
  }

  /** Adds what every thread of the run still alive executed since its last hook firing. */
  private countRemainders(run: ScriptRun): void {
    for (const block of this.threads) run.instructions += this.sinceLastFiring(block);
  }

  /** basehookcount - hookcount of a thread: 0 for one that never had the count hook. */
  private sinceLastFiring(block: number): number {
    const heap = this.runtime.module.HEAPU32;
    const state = block + this.layout.stateOffset;
    const interval = heap[(state + this.layout.baseCount) >> 2] ?? 0;
    const left = heap[(state + this.layout.count) >> 2] ?? 0;
    return left <= interval ? interval - left : 0;
  }

  /**
   * Finds the thread layout of this wasm build: a thread gets a count hook with an unusual
   * interval, runs a few instructions, and the two adjacent words that hold the interval and the
   * interval minus what ran are basehookcount and hookcount. Fails loudly on an unexpected build.
   */
  private measureLayout(): ThreadLayout {
    const { raw, strings, module } = this.runtime;
    const L = this.L;
    const interval = 0x3a5c_17e9;
    this.lastThread = undefined;
    const T = raw.newthread(L);
    const thread = this.lastThread as { block: number; size: number } | undefined;
    try {
      const { ptr, len } = strings.write('local a = 1 local b = a + 1 return b');
      if (!thread || raw.loadbufferx(T, ptr, len, strings.cstring('=measure'), strings.cstring('t')) !== LUA_OK) {
        throw new Error('a new thread was not seen by the allocator');
      }
      raw.sethook(T, this.hookPtr, LUA_MASKCOUNT, interval);
      if (raw.pcallk(T, 0, 0, 0, 0, 0) !== LUA_OK) throw new Error('the measuring chunk failed');
      const heap = module.HEAPU32;
      for (let offset = 0; offset < 512; offset += 4) {
        const base = heap[(T + offset) >> 2];
        const left = heap[(T + offset + 4) >> 2] ?? 0;
        if (base === interval && left < interval && left > interval - 100) {
          raw.sethook(T, 0, 0, 0);
          return { blockSize: thread.size, stateOffset: T - thread.block, baseCount: offset, count: offset + 4 };
        }
      }
      throw new Error('the count hook fields were not found');
    } catch (thrown) {
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      throw new Error(`unsupported Lua build: cannot read instruction counts (${reason})`);
    } finally {
      raw.settop(L, 0);
    }
  }
}

function lineOf(message: string): { line?: number } {
  const match = /^script:(\d+):/.exec(message);
  return match ? { line: Number(match[1]) } : {};
}
