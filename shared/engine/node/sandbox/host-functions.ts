import { createHash } from 'node:crypto';
import { LUA_TNUMBER, LUA_TSTRING, type LuaState } from './lua-api';
import type { LuaRuntime } from './runtime';
import type { SandboxServices, ScriptRun } from './script-run';

// The C functions behind the helpers, one set per engine. Scripts never call them directly: the
// prelude keeps them in locals and checks argument types first, so they read only strings and
// numbers and never convert a table (which would run its metamethods from the host).
// They must not throw a JavaScript error into the wasm frames: that would skip Lua's own unwinding
// and leave the state corrupt. Only lua_error's longjmp (thrown as a number) may pass through.
// When one returns, the engine checks the run's deadline (afterCall): time spent in a helper counts.

export const hostFunctionNames = ['log', 'hash', 'now', 'matches', 'async', 'limit_hit'] as const;
export type HostFunctionName = (typeof hostFunctionNames)[number];

export interface HostContext {
  readonly runtime: LuaRuntime;
  readonly services: SandboxServices;
  activeRun(): ScriptRun | undefined;
  /** Runs after every host function, before its results reach Lua; may raise (a limit). */
  afterCall(L: LuaState): void;
}

// The same three, by name, as helpers/hash.ts; hashed here over the Lua string's exact bytes.
const hashAlgorithms: ReadonlySet<string> = new Set(['sha256', 'sha1', 'md5']);

export function createHostFunctions(context: HostContext): {
  pointers: Record<HostFunctionName, number>;
  release(): void;
} {
  const { raw, strings, module } = context.runtime;

  const pushNilAndMessage = (L: LuaState, message: string): number => {
    raw.pushnil(L);
    strings.push(L, message);
    return 2;
  };
  const text = (L: LuaState, index: number): string =>
    raw.type(L, index) === LUA_TSTRING ? strings.read(L, index) : '';

  const bodies: Record<HostFunctionName, (L: LuaState) => number> = {
    log(L) {
      const run = context.activeRun();
      if (!run || raw.type(L, 2) !== LUA_TSTRING) return 0;
      const level = raw.type(L, 1) === LUA_TNUMBER ? Number(raw.tointegerx(L, 1, 0)) : 1;
      run.logs.add(level, strings.byteLength(L, 2), (maxBytes) => strings.read(L, 2, maxBytes));
      return 0;
    },
    hash(L) {
      const requested = text(L, 1);
      const algorithm = requested.toLowerCase();
      if (!hashAlgorithms.has(algorithm))
        return pushNilAndMessage(
          L,
          `helpers.hash: unsupported algorithm "${requested.slice(0, 40)}" (use sha256, sha1 or md5)`,
        );
      const input = raw.type(L, 2) === LUA_TSTRING ? strings.bytes(L, 2) : new Uint8Array();
      strings.push(L, createHash(algorithm).update(input).digest('hex'));
      return 1;
    },
    now(L) {
      raw.pushinteger(L, BigInt(Date.now()));
      return 1;
    },
    matches(L) {
      let result: boolean;
      try {
        result = context.services.matches(text(L, 1), text(L, 2));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return pushNilAndMessage(
          L,
          message.startsWith('matches:') ? `helpers.${message}` : `helpers.matches: ${message}`,
        );
      }
      raw.pushboolean(L, result ? 1 : 0);
      return 1;
    },
    async(L) {
      const run = context.activeRun();
      if (!run) return pushNilAndMessage(L, 'no script is running');
      const second = raw.type(L, 3) === LUA_TSTRING ? strings.read(L, 3) : undefined;
      const started = run.startAsync(text(L, 1), text(L, 2), second);
      if ('error' in started) return pushNilAndMessage(L, started.error);
      raw.pushinteger(L, BigInt(started.id));
      return 1;
    },
    limit_hit(L) {
      raw.pushboolean(L, context.activeRun()?.tripped === undefined ? 0 : 1);
      return 1;
    },
  };

  const guarded =
    (body: (L: LuaState) => number) =>
    (L: LuaState): number => {
      let failure: string;
      try {
        const results = body(L);
        context.afterCall(L);
        return results;
      } catch (thrown) {
        // lua_error's longjmp (from an allocation failure while pushing) must keep unwinding.
        if (typeof thrown === 'number') throw thrown;
        failure = `host error: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
      }
      strings.push(L, failure);
      return raw.error(L);
    };

  const pointers = Object.fromEntries(
    hostFunctionNames.map((name) => [name, module.addFunction(guarded(bodies[name]), 'ii')]),
  ) as Record<HostFunctionName, number>;
  return {
    pointers,
    release() {
      for (const name of hostFunctionNames) module.removeFunction(pointers[name]);
    },
  };
}
