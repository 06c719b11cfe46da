import { LuaFactory, type LuaWasm } from 'wasmoon';
import { bindRawLua, LuaStrings, moduleOf, type LuaModule, type LuaState, type RawLua } from './lua-api';

// One wasm instance of Lua per sandbox (per worker thread). Every engine of the sandbox lives in
// its heap, which only grows (docs/engine.md, "Measured facts about wasmoon": one heap per
// factory), so anything that could corrupt that heap makes the whole runtime unfit: the sandbox
// reports it and the worker retires.

export interface LuaRuntime {
  readonly wasm: LuaWasm;
  readonly module: LuaModule;
  readonly raw: RawLua;
  readonly strings: LuaStrings;
  /** lua_atpanic handler: throws LuaPanic instead of abort(), which would kill the whole instance. */
  readonly panic: number;
  /** An int slot for lua_resume's result count. */
  readonly nresPtr: number;
}

/** Lua hit an error outside any protected call; the engine that raised it is unusable. */
export class LuaPanic extends Error {}

export async function createLuaRuntime(): Promise<LuaRuntime> {
  const wasm = await new LuaFactory().getLuaModule();
  const module = moduleOf(wasm);
  const raw = bindRawLua(module);
  const strings = new LuaStrings(module, raw);
  const panic = module.addFunction((L: LuaState): number => {
    throw new LuaPanic(`Lua panic in state ${L}: an error outside any protected call`);
  }, 'ii');
  const nresPtr = module._malloc(4);
  return { wasm, module, raw, strings, panic, nresPtr };
}
