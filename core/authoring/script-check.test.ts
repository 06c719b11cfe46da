import { describe, expect, it } from 'vitest';
import { checkScript, syntaxErrorColumn } from './script-check';
import { useAuthoringHarness } from './testing/authoring-harness';

const harness = useAuthoringHarness();

describe('checkScript', () => {
  it('reports a syntax error with its line, and the column of the token Lua stopped at', async () => {
    expect(await checkScript('x = 1\nlocal y = 2 3', [])).toEqual([
      { severity: 'error', code: 'SYNTAX_ERROR', message: "unexpected symbol near '3'", line: 2, column: 13 },
    ]);
    // The token occurs twice on the line: the second one is where Lua stopped.
    expect(await checkScript('local x = = 1', [])).toMatchObject([{ line: 1, column: 11 }]);
    expect(await checkScript('local s = "abc\nreturn s', [])).toMatchObject([{ line: 1, column: 11 }]);
  });

  it('omits the column when Lua names no place on the line', async () => {
    const [eof] = await checkScript('if x then\nreturn 1', []);
    expect(eof).toEqual({
      severity: 'error',
      code: 'SYNTAX_ERROR',
      message: "'end' expected (to close 'if' at line 1) near <eof>",
      line: 2,
    });
    const [label] = await checkScript('goto nowhere', []);
    expect(label).not.toHaveProperty('column');
    expect(await syntaxErrorColumn('return 1', 5, "unexpected symbol near 'x'")).toBeUndefined();
    // A token repeated beyond reason on the line: no column rather than a compile per occurrence.
    const [crowded] = await checkScript(`local t = { ${'a = 1, '.repeat(50)}} x = = 1`, []);
    expect(crowded).toEqual({
      severity: 'error',
      code: 'SYNTAX_ERROR',
      message: "unexpected symbol near '='",
      line: 1,
    });
  });

  it('reports a script over 5 KB as an error of the whole script', async () => {
    const diagnostics = await checkScript(`-- ${'€'.repeat(1800)}\nreturn nil`, []);
    expect(diagnostics).toEqual([
      // 1,814 characters; 5,414 bytes of UTF-8.
      {
        severity: 'error',
        code: 'SCRIPT_TOO_LARGE',
        message: 'The script is 5414 bytes; at most 5120 (5 KB) are allowed.',
      },
    ]);
  });

  it('warns about unknown helpers in code, not in comments or strings', async () => {
    const source = [
      'helpers.log("ok")',
      'local h = helpers.hsah("sha256", event.user.email)',
      '-- helpers.nope is only mentioned',
      'local s = "helpers.alsoNope"',
      'return helpers["fecth"]',
    ].join('\n');
    expect(await checkScript(source, [])).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'UNKNOWN_HELPER', line: 2, column: 19 }),
      expect.objectContaining({ severity: 'warning', code: 'UNKNOWN_HELPER', line: 5, column: 16 }),
    ]);
    const [first] = await checkScript(source, []);
    expect(first?.message).toBe(
      'helpers.hsah does not exist; the helpers are log, hash, now, env, matches, fetch, secret.',
    );
  });

  it('warns about secrets the pipeline does not declare, at the name', async () => {
    const source = 'local a = helpers.secret("DECLARED")\nlocal b = helpers.secret("MISSING")\nreturn nil';
    expect(await checkScript(source, ['DECLARED'])).toEqual([
      {
        severity: 'warning',
        code: 'UNDECLARED_SECRET',
        message: expect.stringContaining('Secret "MISSING" is not declared by the pipeline'),
        line: 2,
        column: 26,
      },
    ]);
  });
});

describe('scripts.check', () => {
  it("compares secret names with the workspace's declared ones", async () => {
    const { call } = harness();
    const source = 'return helpers.secret("IPQS_API_KEY")';
    expect(await call('scripts.check', { source })).toMatchObject([{ code: 'UNDECLARED_SECRET' }]);
    await call('secrets.set', { environment: 'staging', name: 'IPQS_API_KEY', value: 'k-1' });
    expect(await call('scripts.check', { source })).toEqual([]);
    expect(await call('scripts.check', { source: 'return (' })).toMatchObject([{ code: 'SYNTAX_ERROR', line: 1 }]);
  });
});
