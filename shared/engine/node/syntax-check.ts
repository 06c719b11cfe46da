import { LuaFactory, type LuaEngine } from 'wasmoon';
import type { ScriptError } from '../types';

// Compiles Lua text without running it, with the engine's own Lua 5.4: what `check` and the
// editor's diagnostics report is exactly what the sandbox would refuse. `load` in text mode ('t')
// never accepts a binary chunk, and the chunk is only compiled, never called, so no limit or
// sandbox is needed here. One engine per process, made on first use.

let checker: Promise<(source: string) => unknown> | null = null;

async function createChecker(): Promise<(source: string) => unknown> {
  const engine: LuaEngine = await new LuaFactory().createEngine({ enableProxy: false });
  await engine.doString(
    'function __studio_check(src) local f, err = load(src, "=script", "t", {}) if f then return nil end return err end',
  );
  const check = engine.global.get('__studio_check') as (source: string) => unknown;
  return (source) => check(source);
}

/** `script:3: unexpected symbol near 'x'` → line 3 and the message after it. */
export function parseLuaErrorLine(message: string): { line?: number; message: string } {
  const match = /^script:(\d+):\s*(.*)$/s.exec(message);
  if (!match) return { message };
  return { line: Number(match[1]), message: match[2] ?? message };
}

/** null when the source compiles; otherwise a SYNTAX_ERROR with its 1-based line. */
export async function checkLuaSyntax(source: string): Promise<ScriptError | null> {
  checker ??= createChecker();
  const error = (await checker)(source);
  if (error === null || error === undefined) return null;
  const parsed = parseLuaErrorLine(String(error));
  const result: ScriptError = { code: 'SYNTAX_ERROR', message: parsed.message };
  if (parsed.line !== undefined) result.line = parsed.line;
  return result;
}
