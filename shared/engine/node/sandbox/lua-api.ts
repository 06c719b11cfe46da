import type { LuaWasm } from 'wasmoon';

// Typed access to the raw Lua C API inside wasmoon's WebAssembly module. The sandbox drives Lua
// through these calls rather than wasmoon's conveniences, because those leave results on the stack,
// turn error objects into text with tostring and convert host objects into Lua (docs/engine.md,
// "Measured facts about wasmoon": results left on the stack, error objects and __tostring, host
// object proxies). Every function here is the C function itself: numbers in, numbers out.

export const LUA_OK = 0;
export const LUA_YIELD = 1;
export const LUA_ERRRUN = 2;
export const LUA_ERRSYNTAX = 3;
export const LUA_ERRMEM = 4;

export const LUA_TNIL = 0;
export const LUA_TBOOLEAN = 1;
export const LUA_TNUMBER = 3;
export const LUA_TSTRING = 4;
export const LUA_TTABLE = 5;

export const LUA_MASKCOUNT = 8;
/** -LUAI_MAXSTACK - 1000, as in luaconf.h of the wasm build. */
export const LUA_REGISTRYINDEX = -1_001_000;

/** A lua_State pointer inside the wasm heap. */
export type LuaState = number;

export interface RawLua {
  gettop(L: LuaState): number;
  settop(L: LuaState, index: number): void;
  type(L: LuaState, index: number): number;
  toboolean(L: LuaState, index: number): number;
  tonumberx(L: LuaState, index: number, isnum: number): number;
  tointegerx(L: LuaState, index: number, isnum: number): bigint;
  isinteger(L: LuaState, index: number): number;
  tolstring(L: LuaState, index: number, lenPtr: number): number;
  pushnil(L: LuaState): void;
  pushboolean(L: LuaState, value: number): void;
  pushinteger(L: LuaState, value: bigint): void;
  pushnumber(L: LuaState, value: number): void;
  pushlstring(L: LuaState, ptr: number, len: number): number;
  pushvalue(L: LuaState, index: number): void;
  pushcclosure(L: LuaState, fn: number, upvalues: number): void;
  createtable(L: LuaState, narr: number, nrec: number): void;
  setfield(L: LuaState, index: number, keyPtr: number): void;
  getfield(L: LuaState, index: number, keyPtr: number): number;
  setglobal(L: LuaState, namePtr: number): void;
  rawgeti(L: LuaState, index: number, n: bigint): number;
  newthread(L: LuaState): LuaState;
  xmove(from: LuaState, to: LuaState, n: number): void;
  resume(L: LuaState, from: LuaState, nargs: number, nresPtr: number): number;
  pcallk(L: LuaState, nargs: number, nresults: number, errfunc: number, ctx: number, k: number): number;
  error(L: LuaState): number;
  sethook(L: LuaState, fn: number, mask: number, count: number): void;
  setallocf(L: LuaState, fn: number, ud: number): void;
  atpanic(L: LuaState, fn: number): number;
  loadbufferx(L: LuaState, buf: number, size: number, namePtr: number, modePtr: number): number;
  ref(L: LuaState, table: number): number;
  unref(L: LuaState, table: number, ref: number): void;
  openlib(L: LuaState, name: 'base' | 'coroutine' | 'table' | 'string' | 'utf8' | 'math' | 'debug'): number;
}

type Exported = (...args: Array<number | bigint>) => number | bigint | undefined;

/** The emscripten module of one wasm instance, with the few runtime helpers the sandbox uses. */
export interface LuaModule {
  readonly HEAPU8: Uint8Array;
  readonly HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _realloc(ptr: number, size: number): number;
  addFunction(fn: (...args: number[]) => number | void, signature: string): number;
  removeFunction(ptr: number): void;
  stringToNewUTF8(text: string): number;
}

export function moduleOf(wasm: LuaWasm): LuaModule {
  return wasm.module as unknown as LuaModule;
}

/** Binds the exported C functions once per wasm instance; a missing export fails loudly at start. */
export function bindRawLua(module: LuaModule): RawLua {
  const exports = module as unknown as Record<string, unknown>;
  const fn = (name: string): Exported => {
    const found = exports[`_${name}`];
    if (typeof found !== 'function') throw new Error(`wasmoon does not export ${name}`);
    return found as Exported;
  };
  const num = (name: string) => {
    const f = fn(name);
    return (...args: Array<number | bigint>): number => f(...args) as number;
  };
  const openers = {
    base: num('luaopen_base'),
    coroutine: num('luaopen_coroutine'),
    table: num('luaopen_table'),
    string: num('luaopen_string'),
    utf8: num('luaopen_utf8'),
    math: num('luaopen_math'),
    debug: num('luaopen_debug'),
  };
  const tointegerx = fn('lua_tointegerx');
  return {
    gettop: num('lua_gettop'),
    settop: num('lua_settop'),
    type: num('lua_type'),
    toboolean: num('lua_toboolean'),
    tonumberx: num('lua_tonumberx'),
    tointegerx: (L, index, isnum) => tointegerx(L, index, isnum) as bigint,
    isinteger: num('lua_isinteger'),
    tolstring: num('lua_tolstring'),
    pushnil: num('lua_pushnil'),
    pushboolean: num('lua_pushboolean'),
    pushinteger: num('lua_pushinteger'),
    pushnumber: num('lua_pushnumber'),
    pushlstring: num('lua_pushlstring'),
    pushvalue: num('lua_pushvalue'),
    pushcclosure: num('lua_pushcclosure'),
    createtable: num('lua_createtable'),
    setfield: num('lua_setfield'),
    getfield: num('lua_getfield'),
    setglobal: num('lua_setglobal'),
    rawgeti: num('lua_rawgeti'),
    newthread: num('lua_newthread'),
    xmove: num('lua_xmove'),
    resume: num('lua_resume'),
    pcallk: num('lua_pcallk'),
    error: num('lua_error'),
    sethook: num('lua_sethook'),
    setallocf: num('lua_setallocf'),
    atpanic: num('lua_atpanic'),
    loadbufferx: num('luaL_loadbufferx'),
    ref: num('luaL_ref'),
    unref: num('luaL_unref'),
    openlib: (L, name) => openers[name](L),
  };
}

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/**
 * Moves strings across the boundary as bytes with explicit lengths, so that NUL bytes and long
 * strings survive and nothing is decoded that is not needed (docs/engine.md, "Measured facts about
 * wasmoon": strings are bytes).
 */
export class LuaStrings {
  private scratch = 0;
  private scratchSize = 0;
  private readonly lenPtr: number;
  /** C strings that live as long as the wasm instance: names of fields, chunk names, modes. */
  private readonly constants = new Map<string, number>();

  constructor(
    private readonly module: LuaModule,
    private readonly lua: RawLua,
  ) {
    this.lenPtr = module._malloc(8);
  }

  /** A NUL-terminated copy of `text` that is never freed: use only for a fixed set of names. */
  cstring(text: string): number {
    let ptr = this.constants.get(text);
    if (ptr === undefined) {
      ptr = this.module.stringToNewUTF8(text);
      this.constants.set(text, ptr);
    }
    return ptr;
  }

  push(L: LuaState, text: string): void {
    const { ptr, len } = this.write(text);
    this.lua.pushlstring(L, ptr, len);
  }

  /** Writes UTF-8 into a reused buffer; valid until the next write. */
  write(text: string): { ptr: number; len: number } {
    const need = text.length * 3 + 1;
    if (need > this.scratchSize) {
      if (this.scratch) this.module._free(this.scratch);
      this.scratchSize = Math.max(need, 4096);
      this.scratch = this.module._malloc(this.scratchSize);
      if (!this.scratch) throw new Error('out of wasm memory');
    }
    const view = this.module.HEAPU8.subarray(this.scratch, this.scratch + this.scratchSize);
    const { written } = encoder.encodeInto(text, view);
    return { ptr: this.scratch, len: written };
  }

  /** Byte length of the string at `index`; the caller checked that it is a string. */
  byteLength(L: LuaState, index: number): number {
    this.lua.tolstring(L, index, this.lenPtr);
    return this.module.HEAPU32[this.lenPtr >> 2] ?? 0;
  }

  /** The string at `index` (a string, checked by the caller), at most `maxBytes` of it. */
  read(L: LuaState, index: number, maxBytes = Number.POSITIVE_INFINITY): string {
    const bytes = this.view(L, index, maxBytes);
    return decoder.decode(bytes);
  }

  /** A copy of the bytes of the string at `index`. */
  bytes(L: LuaState, index: number): Uint8Array {
    return this.view(L, index, Number.POSITIVE_INFINITY).slice();
  }

  private view(L: LuaState, index: number, maxBytes: number): Uint8Array {
    const ptr = this.lua.tolstring(L, index, this.lenPtr);
    const len = this.module.HEAPU32[this.lenPtr >> 2] ?? 0;
    return this.module.HEAPU8.subarray(ptr, ptr + Math.min(len, maxBytes));
  }
}
