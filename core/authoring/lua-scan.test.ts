import { describe, expect, it } from 'vitest';
import { findHelperReferences, secretsUsedBy, tokenizeLua } from './lua-scan';

describe('tokenizeLua', () => {
  it('gives names, strings, numbers and symbols with 1-based lines and columns', () => {
    const tokens = tokenizeLua('local x = 10\n  return x .. "a\\"b"');
    expect(tokens.map(({ kind, text, line, column }) => [kind, text, line, column])).toEqual([
      ['name', 'local', 1, 1],
      ['name', 'x', 1, 7],
      ['symbol', '=', 1, 9],
      ['number', '10', 1, 11],
      ['name', 'return', 2, 3],
      ['name', 'x', 2, 10],
      ['symbol', '..', 2, 12],
      ['string', 'a"b', 2, 15],
    ]);
  });

  it('skips line and long comments, counting the lines they span', () => {
    const tokens = tokenizeLua('-- helpers.nope\n--[==[ helpers.nope\n]] still comment ]==] x\n--[ not long\ny');
    expect(tokens.map(({ text, line, column }) => [text, line, column])).toEqual([
      ['x', 3, 23],
      ['y', 5, 1],
    ]);
  });

  it('reads long strings, escapes and numbers that look like names', () => {
    const tokens = tokenizeLua('a = [[\nline]] b = [=[x]]y]=] c = 0x1Fp4 d = 1e-3 e = "\\65\\x42\\z\n   C"');
    const values = tokens.filter((token) => token.kind !== 'symbol').map((token) => token.text);
    expect(values).toEqual(['a', 'line', 'b', 'x]]y', 'c', '0x1Fp4', 'd', '1e-3', 'e', 'ABC']);
  });

  it('never fails on text Lua would refuse', () => {
    expect(() => tokenizeLua('x = "unfinished\ny = [[ never closed')).not.toThrow();
    expect(tokenizeLua('x = "unfinished\ny').at(-1)).toMatchObject({ text: 'y', line: 2, column: 1 });
  });
});

describe('findHelperReferences', () => {
  it('finds helpers.x, helpers:x and helpers["x"] in code only', () => {
    const source = [
      'helpers.log("a")',
      'local h = helpers:nope()',
      'local s = "helpers.instring" -- helpers.incomment',
      'helpers [ "fetch" ] ("https://x")',
      'other.helpers.notglobal()',
    ].join('\n');
    expect(findHelperReferences(source).helpers).toEqual([
      { name: 'log', line: 1, column: 9 },
      { name: 'nope', line: 2, column: 19 },
      { name: 'fetch', line: 4, column: 11 },
    ]);
  });

  it('reads secret names given as a lone literal, with or without parentheses', () => {
    const source = [
      'local a = helpers.secret("API_KEY")',
      "local b = helpers.secret 'OTHER'",
      'local c = helpers.secret("PRE" .. suffix)',
      'local d = helpers.secret(name)',
      'local e = helpers["secret"]([[LONG_NAME]])',
      '-- helpers.secret("COMMENTED")',
    ].join('\n');
    expect(findHelperReferences(source).secrets).toEqual([
      { name: 'API_KEY', line: 1, column: 26 },
      { name: 'OTHER', line: 2, column: 26 },
      { name: 'LONG_NAME', line: 5, column: 29 },
    ]);
    expect(secretsUsedBy(`${source}\nhelpers.secret("API_KEY")`)).toEqual(['API_KEY', 'LONG_NAME', 'OTHER']);
  });
});
