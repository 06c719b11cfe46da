import { describe, expect, it } from 'vitest';
import { checkLuaSyntax, parseLuaErrorLine } from './syntax-check';

describe('checkLuaSyntax', () => {
  it('accepts valid Lua 5.4 without running it', async () => {
    // Would loop forever if it ran: compiling must not execute.
    expect(await checkLuaSyntax('while true do end')).toBeNull();
    expect(await checkLuaSyntax('local x <const> = 1 // 2\nreturn { allow = x == 0 }')).toBeNull();
  });

  it('reports a syntax error with its line', async () => {
    const error = await checkLuaSyntax('local a = 1\nlocal b = = 2\nreturn a');
    expect(error).toMatchObject({ code: 'SYNTAX_ERROR', line: 2 });
    expect(error?.message).toContain("unexpected symbol near '='");
  });

  it('reports an unfinished block at the end of the text', async () => {
    const error = await checkLuaSyntax('if event then\n  return true\n');
    expect(error).toMatchObject({ code: 'SYNTAX_ERROR', line: 3 });
    expect(error?.message).toContain("'end' expected");
  });

  it('refuses a binary chunk', async () => {
    const error = await checkLuaSyntax('\x1bLuaT\x00\x19\x93\r\n\x1a\n');
    expect(error?.code).toBe('SYNTAX_ERROR');
    expect(error?.message).toContain('binary');
  });

  it('reads the line out of a Lua error message', () => {
    expect(parseLuaErrorLine("script:12: '=' expected near 'x'")).toEqual({
      line: 12,
      message: "'=' expected near 'x'",
    });
    expect(parseLuaErrorLine('not enough memory')).toEqual({ message: 'not enough memory' });
  });
});
