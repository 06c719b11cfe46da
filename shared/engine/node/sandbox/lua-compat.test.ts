import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSandbox, type Sandbox } from './sandbox';
import { scriptRequest } from './testing';

// Lua 5.4 as scripts see it, checked against the behaviour the Lua 5.4 reference manual documents.
// The sandbox changes the language only where docs/engine.md's Sandbox section says so (removed
// globals, setmetatable refusing __gc, the string metatable shown as a read-only stand-in);
// everything else must behave as in Lua 5.4. Each case is a small chunk whose result
// (plain data) is compared; values that JSON cannot carry (nil inside lists, NaN, raw bytes) are
// compared inside Lua and come back as booleans.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ services: { matches: () => false }, maxIdleEngines: 1 });
});
afterAll(() => sandbox.close());

type Case = [name: string, source: string, expected: unknown];

async function valueOf(source: string): Promise<unknown> {
  const outcome = await sandbox.run(scriptRequest(source));
  if (outcome.error) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  return outcome.value;
}

/** Runs each case as its own script and compares its result. */
function cases(list: Case[]): void {
  test.each(list)('%s', async (_name, source, expected) => {
    expect(await valueOf(source)).toEqual(expected);
  });
}

type SyntaxCase = [name: string, source: string, message: string];

/** Runs each case as its own script, which must not compile: SYNTAX_ERROR with Lua's message. */
function syntaxErrors(list: SyntaxCase[]): void {
  test.each(list)('%s', async (_name, source, message) => {
    const outcome = await sandbox.run(scriptRequest(source));
    expect(outcome.error?.code).toBe('SYNTAX_ERROR');
    expect(outcome.error?.message).toContain(message);
  });
}

/** `return pcall(function() <body> end)` shaped as [ok, message] for a failing body. */
const fails = (body: string) =>
  `local ok, err = pcall(function() ${body} end) return { ok, type(err) == "string" and err:gsub("^script:%d+: ", "") or err }`;

describe('the chunk and its globals', () => {
  cases([
    ['_VERSION', 'return _VERSION', 'Lua 5.4'],
    ["top-level ... is empty: select('#', ...)", "return select('#', ...)", 0],
    ['top-level ... gives no values', 'local a, b = ... return { a == nil, b == nil, #{ ... } }', [true, true, 0]],
    ['globals are fields of _ENV', 'x = 1 _ENV.y = 2 return { _ENV.x, y }', [1, 2]],
    ['_ENV can be replaced locally', 'local print = print do local _ENV = { y = 2 } z = y end return z == nil', true],
    ['a global read through a local _ENV', 'local function f() local _ENV = { v = 5 } return v end return f()', 5],
    [
      'getmetatable(nil), numbers, booleans, functions',
      'return { getmetatable(nil) == nil, getmetatable(1) == nil, getmetatable(true) == nil, getmetatable(print) == nil }',
      [true, true, true, true],
    ],
    [
      'getmetatable("") is the protected stand-in, the same for every string',
      'return { type(getmetatable("")), getmetatable("") == getmetatable("abc") }',
      ['table', true],
    ],
    [
      'getmetatable("").__index reads string methods',
      'local idx = getmetatable("").__index return { idx.upper("a"), idx.rep("ab", 2), idx == string }',
      ['A', 'abab', false],
    ],
    [
      'getmetatable returns a __metatable field',
      'return getmetatable(setmetatable({}, { __metatable = "locked" }))',
      'locked',
    ],
    [
      'type of every kind of value',
      'return { type(nil), type(1), type("s"), type({}), type(print), type(true), type(coroutine.create(print)) }',
      ['nil', 'number', 'string', 'table', 'function', 'boolean', 'thread'],
    ],
    ['type() without an argument', fails('return type()'), [false, "bad argument #1 to 'type' (value expected)"]],
    ['assert returns all its arguments', 'return { assert(1, 2, 3) }', [1, 2, 3]],
    ['assert with a message', fails('assert(false, "nope")'), [false, 'nope']],
    ['assert without a message', fails('assert(nil)'), [false, 'assertion failed!']],
    ['assert with a table message keeps it', 'local ok, e = pcall(assert, false, { 1 }) return type(e)', 'table'],
  ]);
});

describe('numbers: integers and floats', () => {
  cases([
    [
      'math.type',
      'return { math.type(1), math.type(1.0), math.type("1") == nil, math.type(2^53) }',
      ['integer', 'float', true, 'float'],
    ],
    ['/ always gives a float', 'return { math.type(4 / 2), 4 / 2 }', ['float', 2]],
    [
      '// floors, keeping integers integer',
      'return { 7 // 2, -7 // 2, 7 // -2, math.type(7 // 2), math.type(7.0 // 2), 7.5 // 2 }',
      [3, -4, -4, 'integer', 'float', 3],
    ],
    [
      '% takes the sign of the divisor',
      'return { 5 % 3, -5 % 3, 5 % -3, -5 % -3, 5.5 % 2, -5.5 % 2 }',
      [2, 1, -1, -2, 1.5, 0.5],
    ],
    ['integer // 0 is an error', fails('local z = 0 return 1 // z'), [false, 'attempt to divide by zero']],
    ['integer % 0 is an error', fails('local z = 0 return 1 % z'), [false, "attempt to perform 'n%0'"]],
    [
      'float division by zero is infinite or NaN',
      'local z = 0 return { 1 / z == math.huge, -1 / z == -math.huge, 1.0 // z == math.huge, (0 / z) ~= (0 / z), 1 % 0.0 ~= 1 % 0.0 }',
      [true, true, true, true, true],
    ],
    [
      '% with an infinite divisor',
      'return { 5 % math.huge, -5 % math.huge == math.huge, 5 % -math.huge == -math.huge }',
      [5, true, true],
    ],
    [
      'integer overflow wraps around',
      'return { math.maxinteger + 1 == math.mininteger, math.mininteger - 1 == math.maxinteger, math.maxinteger * 2, -math.mininteger == math.mininteger }',
      [true, true, -2, true],
    ],
    [
      'mininteger // -1 and % -1',
      'return { math.mininteger // -1 == math.mininteger, math.mininteger % -1 }',
      [true, 0],
    ],
    [
      'integer and float equality and order',
      'return { 1 == 1.0, math.maxinteger < math.huge, math.maxinteger + 0.0 == 2^63, math.maxinteger == 2^63, math.maxinteger < 2^63, -0.0 == 0 }',
      [true, true, true, false, true, true],
    ],
    [
      'integer literals past maxinteger become floats; hex wraps',
      'return { math.type(9223372036854775807), math.type(9223372036854775808), 0xffffffffffffffff, 0x7fffffffffffffff == math.maxinteger }',
      ['integer', 'float', -1, true],
    ],
    [
      'numeric literal forms',
      'return { 0x10, 0xA.8p1, 1e2, math.type(1e2), .5, 3., 0x.1p4 }',
      [16, 21, 100, 'float', 0.5, 3, 1],
    ],
    [
      'float keys with integer values are integer keys',
      'local t = {} t[1.0] = "a" t[2^53] = "b" return { t[1], math.type(next(t)), t[9007199254740992] }',
      ['a', 'integer', 'b'],
    ],
    ['NaN cannot be a key', fails('local t = {} t[0/0] = 1'), [false, 'table index is NaN']],
    ['nil cannot be a key', fails('local t = {} t[nil] = 1'), [false, 'table index is nil']],
    [
      'math.tointeger',
      'return { math.tointeger(3.0), math.tointeger(3.5) == nil, math.tointeger(2^63) == nil, math.tointeger(-0.0), math.tointeger("x") == nil }',
      [3, true, true, 0, true],
    ],
    [
      'math.floor and math.ceil give integers when they fit',
      'return { math.floor(3.7), math.ceil(-3.5), math.type(math.floor(3.7)), math.type(math.floor(2^70)), math.floor(-0.0) }',
      [3, -3, 'integer', 'float', 0],
    ],
    [
      'math.abs of mininteger wraps',
      'return { math.abs(-3), math.abs(-3.5), math.abs(math.mininteger) == math.mininteger }',
      [3, 3.5, true],
    ],
    [
      'math.fmod',
      'return { math.fmod(-6, 4), math.fmod(6, -4), math.type(math.fmod(6, 4)), math.fmod(5.5, 2), math.fmod(6.0, 0) ~= math.fmod(6.0, 0) }',
      [-2, 2, 'integer', 1.5, true],
    ],
    ['math.fmod by integer zero', fails('return math.fmod(6, 0)'), [false, "bad argument #2 to 'fmod' (zero)"]],
    [
      'math.modf; its second result is always a float',
      'local a, b = math.modf(3.75) local c, d = math.modf(-3.75) local e, f = math.modf(math.huge) local g, h = math.modf(5) return { a, b, c, d, e == math.huge, f, g, h, math.type(h) }',
      [3, 0.75, -3, -0.75, true, 0, 5, 0, 'float'],
    ],
    [
      'math.max and math.min keep the type of the winner',
      'return { math.max(1, 2.5, 2), math.min(3), math.type(math.max(1, 2)), math.min(1.0, 1) }',
      [2.5, 3, 'integer', 1],
    ],
    ['math.max() needs a number', fails('return math.max()'), [false, "bad argument #1 to 'max' (value expected)"]],
    [
      'math.ult, sqrt, exp, log',
      'return { math.ult(1, -1), math.sqrt(16), math.exp(0), math.log(8, 2), math.log(100, 10), math.log(1) }',
      [true, 4, 1, 3, 2, 0],
    ],
    [
      'math constants',
      'return { math.pi > 3.14159 and math.pi < 3.1416, math.huge > math.maxinteger, -math.huge < math.mininteger }',
      [true, true, true],
    ],
    [
      'math.random ranges',
      'local ok = true for _ = 1, 200 do local a, b, c = math.random(), math.random(3), math.random(-2, 2) ok = ok and a >= 0 and a < 1 and b >= 1 and b <= 3 and c >= -2 and c <= 2 and math.type(b) == "integer" end return { ok, math.random(5, 5) }',
      [true, 5],
    ],
    [
      'math.random with an empty interval',
      fails('return math.random(2, 1)'),
      [false, "bad argument #1 to 'random' (interval is empty)"],
    ],
    [
      'math.randomseed makes the sequence repeat',
      'math.randomseed(7) local a = { math.random(1000), math.random(1000) } math.randomseed(7) local b = { math.random(1000), math.random(1000) } return a[1] == b[1] and a[2] == b[2]',
      true,
    ],
  ]);
});

describe('bitwise operators', () => {
  cases([
    ['and, or, xor, not', 'return { 0xFF & 0x0F, 3 | 4, 5 ~ 3, ~0 }', [15, 7, 6, -1]],
    [
      'shifts are logical and saturate at 64 bits',
      'return { 1 << 63 == math.mininteger, 1 << 64, -1 >> 1 == math.maxinteger, 2 >> -1, 1 << -1 }',
      [true, 0, true, 4, 0],
    ],
    ['floats with integral values convert', 'return { 2.0 & 3, 1.0 << 2 }', [2, 4]],
    [
      'a float without an integer value is an error',
      fails('local x = 2.5 return x & 1'),
      [false, "number (local 'x') has no integer representation"],
    ],
    [
      'strings are not converted for bitwise operators',
      fails('local s = "3" return s & 1'),
      [false, "attempt to perform bitwise operation on a string value (local 's')"],
    ],
  ]);
});

describe('strings and numbers coerce', () => {
  cases([
    [
      'arithmetic on numeric strings',
      'return { "10" + 1, math.type("10" + 1), "3.0" + 1, "0x10" + 0, " 10 " + 0, "10" * "2", -"2", "7" // "2" }',
      [11, 'integer', 4, 16, 10, 20, -2, 3],
    ],
    [
      'arithmetic on a non-numeric string',
      fails('local s = "abc" return s + 1'),
      [false, "attempt to add a 'string' with a 'number'"],
    ],
    [
      'numbers concatenate as text',
      'return { 1 .. 2, "a" .. 1.0, 1.5 .. "", 1e15 .. "", 2^63 .. "", -0.0 .. "", math.huge .. "", -math.huge .. "" }',
      ['12', 'a1.0', '1.5', '1e+15', '9.2233720368548e+18', '-0.0', 'inf', '-inf'],
    ],
    [
      'concatenating a table is an error',
      fails('local t = {} return "a" .. t'),
      [false, "attempt to concatenate a table value (local 't')"],
    ],
    [
      'concatenating nil is an error naming the global',
      fails('return "a" .. undefined_name'),
      [false, "attempt to concatenate a nil value (global 'undefined_name')"],
    ],
    ['strings and numbers are never equal', 'return { "10" == 10, 10 == "10", "1" ~= 1 }', [false, false, true]],
    [
      'comparing a string with a number is an error',
      fails('return "a" < 1'),
      [false, 'attempt to compare string with number'],
    ],
    [
      'string order is bytewise, embedded zeros included',
      'return { "a" < "b", "Z" < "a", "a\\0b" < "a\\0c", "a" < "a\\0", "" < "a", "abc" <= "abc" }',
      [true, true, true, true, true, true],
    ],
  ]);
});

describe('tostring and tonumber', () => {
  cases([
    [
      'tonumber of decimal and hex text',
      'return { tonumber("12"), tonumber("  12  "), tonumber("1e1"), tonumber("0x1p4"), tonumber("-0x10"), tonumber(".5") }',
      [12, 12, 10, 16, -16, 0.5],
    ],
    [
      'tonumber of what is not a numeral is nil',
      'return { tonumber("12a") == nil, tonumber("") == nil, tonumber("0x") == nil, tonumber("1 2") == nil, tonumber("inf") == nil, tonumber("nan") == nil, tonumber({}) == nil, tonumber(nil) == nil }',
      [true, true, true, true, true, true, true, true],
    ],
    [
      'tonumber with a base',
      'return { tonumber("10", 2), tonumber("ff", 16), tonumber("FF", 16), tonumber("z", 36), tonumber("-ff", 16), tonumber("  11  ", 2), tonumber("8", 8) == nil, tonumber("1.5", 10) == nil }',
      [2, 255, 255, 35, -255, 3, true, true],
    ],
    [
      'tonumber base out of range',
      fails('return tonumber("10", 1)'),
      [false, "bad argument #2 to 'tonumber' (base out of range)"],
    ],
    [
      'tonumber with a base needs a string',
      fails('return tonumber(10, 16)'),
      [false, "bad argument #1 to 'tonumber' (string expected, got number)"],
    ],
    [
      'tonumber() needs an argument',
      fails('return tonumber()'),
      [false, "bad argument #1 to 'tonumber' (value expected)"],
    ],
    [
      'tonumber keeps integers and floats apart',
      'return { math.type(tonumber("10")), math.type(tonumber("10.0")), math.type(tonumber("9223372036854775808")), tonumber("0x7fffffffffffffff") == math.maxinteger, tonumber("0xffffffffffffffff") }',
      ['integer', 'float', 'float', true, -1],
    ],
    [
      'tostring of simple values',
      'return { tostring(nil), tostring(true), tostring(12), tostring(1.0), tostring(-0.0), tostring(1e100), tostring(0.1), tostring(1/3) }',
      ['nil', 'true', '12', '1.0', '-0.0', '1e+100', '0.1', '0.33333333333333'],
    ],
    [
      'tostring of tables and functions',
      'return { tostring({}):match("^table: ") ~= nil, tostring(print):match("^function: ") ~= nil, tostring(coroutine.create(print)):match("^thread: ") ~= nil }',
      [true, true, true],
    ],
    [
      '__tostring and __name',
      'return { tostring(setmetatable({}, { __tostring = function() return "X" end })), tostring(setmetatable({}, { __name = "My" })):match("^My: ") ~= nil }',
      ['X', true],
    ],
    [
      '__tostring must return a string',
      fails('return tostring(setmetatable({}, { __tostring = function() return {} end }))'),
      [false, "'__tostring' must return a string"],
    ],
    [
      'print uses tostring',
      'print(1, nil, 1.0, setmetatable({}, { __tostring = function() return "T" end })) return true',
      true,
    ],
  ]);
});

describe('string escapes and bytes', () => {
  cases([
    ['decimal escapes are bytes', 'return { #"\\233t\\233", ("\\233t\\233"):byte(1, -1) }', [3, 233, 116, 233]],
    [
      'hex escapes are bytes',
      'return { "\\xE9t\\xE9" == "\\233t\\233", #"\\xff\\x00", ("\\x41"):byte() }',
      [true, 2, 65],
    ],
    [
      '\\u{} writes UTF-8',
      'return { #"\\u{E9}", #"\\u{20AC}", #"\\u{10FFFF}", #"\\u{7FFFFFFF}", "\\u{E9}" == "\\xC3\\xA9" }',
      [2, 3, 4, 6, true],
    ],
    ['a raw UTF-8 character in the source is its bytes', 'return { #"é", ("é"):byte(1, -1) }', [2, 195, 169]],
    ['\\z skips white space; \\ before a newline is a newline', 'return { "a\\z\n     b", "a\\\nb" }', ['ab', 'a\nb']],
    [
      'short escapes',
      'return { "\\a\\b\\f\\n\\r\\t\\v\\\\\\"\\\'" == string.char(7, 8, 12, 10, 13, 9, 11, 92, 34, 39) }',
      [true],
    ],
    ['embedded zeros count', 'return { #"a\\0b", ("a\\0b"):len(), ("a\\0b"):byte(2) }', [3, 3, 0]],
    [
      'long strings skip a first newline and keep the rest',
      'return { [[\nline1\nline2]], [==[a]]b]==], #[[\n]] }',
      ['line1\nline2', 'a]]b', 0],
    ],
  ]);
  syntaxErrors([
    ['an invalid escape does not compile', 'return "\\q"', 'invalid escape sequence'],
    ['a decimal escape over 255 does not compile', 'return "\\300"', 'decimal escape too large'],
    ['a hexadecimal escape without digits does not compile', 'return "\\xZZ"', 'hexadecimal digit expected'],
  ]);
});

describe('string library', () => {
  cases([
    [
      'byte and char',
      'return { string.byte("ABC"), string.byte("ABC", 2), { string.byte("ABC", 1, -1) }, string.byte("ABC", 10) == nil, string.char(72, 105), string.char() }',
      [65, 66, [65, 66, 67], true, 'Hi', ''],
    ],
    ['char out of range', fails('return string.char(256)'), [false, "bad argument #1 to 'char' (value out of range)"]],
    [
      'sub with negative and out-of-range indices',
      'local s = "hello" return { s:sub(2, -2), s:sub(-3), s:sub(0), s:sub(10), s:sub(3, 2), s:sub(-100, 2), s:sub(2, 100) }',
      ['ell', 'llo', 'hello', '', '', 'he', 'ello'],
    ],
    [
      'rep with and without separator',
      'return { string.rep("ab", 3, ","), string.rep("x", 0), string.rep("x", -1), string.rep("", 5) }',
      ['ab,ab,ab', '', '', ''],
    ],
    [
      'upper, lower, reverse, len',
      'return { ("aBc"):upper(), ("aBc"):lower(), ("abc"):reverse(), ("abc"):len(), #"" }',
      ['ABC', 'abc', 'cba', 3, 0],
    ],
    [
      'find plain and with patterns',
      'return { { string.find("hello world", "o w") }, { string.find("a.b", ".", 1, true) }, { string.find("a+b", "+", 1, true) }, string.find("abc", "b", -1) == nil, { string.find("abc", "") }, { string.find("abc", "", 4) }, string.find("abc", "", 10) == nil }',
      [[5, 7], [2, 2], [2, 2], true, [1, 0], [4, 3], true],
    ],
    [
      'find returns captures after the indices',
      'return { string.find("key=val", "(%w+)=(%w+)") }',
      [1, 7, 'key', 'val'],
    ],
    [
      'match with captures and anchors',
      'return { string.match("2024-01-02", "(%d+)-(%d+)-(%d+)") }',
      ['2024', '01', '02'],
    ],
    [
      'match anchored at the start only',
      'return { string.match("abc", "^b") == nil, string.match("abc", "^a"), string.match("abc", "c$"), string.match("a$", "a$$") }',
      [true, 'a', 'c', 'a$'],
    ],
    ['position captures', 'return { string.match("hello", "()ll()") }', [3, 5]],
    ['%b balanced match', 'return string.match("f(a(b)c)d", "%b()")', '(a(b)c)'],
    ['%f frontier', 'return { string.gsub("THE (quick) fox", "%f[%a]%a+", "X") }', ['X (X) X', 3]],
    [
      '- is lazy, * is greedy',
      'return { string.match("<a><b>", "<(.-)>"), string.match("<a><b>", "<(.*)>") }',
      ['a', 'a><b'],
    ],
    ['back-references', 'return { string.match([[say "hi" now]], [[(["\'])(.-)%1]]) }', ['"', 'hi']],
    [
      'character classes and sets',
      'return { string.match("  x_1 ", "[%a_][%w_]*"), string.match("abc123", "%d+"), string.match("a-b", "[%-]"), string.match("x9", "[^%a]"), string.match("Hello", "%u%l+"), string.match(" \\t\\n", "^%s+$") ~= nil, string.match("a.b", "%.") }',
      ['x_1', '123', '-', '9', 'Hello', true, '.'],
    ],
    [
      'match with an init position',
      'return { string.match("abcabc", "a", 2), string.match("abc", "c", -1) }',
      ['a', 'c'],
    ],
    [
      'gmatch iterates over matches and captures',
      'local words, pairs_ = {}, {} for w in string.gmatch("one two  three", "%a+") do words[#words + 1] = w end for k, v in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do pairs_[#pairs_ + 1] = k .. v end return { words, pairs_ }',
      [
        ['one', 'two', 'three'],
        ['a1', 'b2'],
      ],
    ],
    [
      'gmatch with an init position',
      'local out = {} for w in string.gmatch("one two three", "%a+", 5) do out[#out + 1] = w end return out',
      ['two', 'three'],
    ],
    [
      'gsub with a string, a limit, a table and a function',
      'return { { string.gsub("hello world", "o", "0") }, { string.gsub("aaa", "a", "b", 2) }, { string.gsub("$name is $age", "%$(%w+)", { name = "Bob", age = 42 }) }, { string.gsub("abc", "%w", function(c) if c ~= "b" then return c:upper() end end) } }',
      [
        ['hell0 w0rld', 2],
        ['bba', 2],
        ['Bob is 42', 2],
        ['AbC', 3],
      ],
    ],
    [
      'gsub replacement %0, %1 and %%',
      'return { string.gsub("abc", "%w", "%0%0"), (string.gsub("a=b", "(%w)=(%w)", "%2=%1")), (string.gsub("50", "%d+", "%0%%")) }',
      ['aabbcc', 'b=a', '50%'],
    ],
    ['gsub with an empty pattern', 'return { string.gsub("abc", "", "-") }', ['-a-b-c-', 4]],
    [
      'gsub with a bad capture index',
      fails('return string.gsub("abc", "(a)", "%2")'),
      [false, 'invalid capture index %2'],
    ],
    [
      'malformed patterns',
      'local a = select(2, pcall(string.find, "a", "[a")) local b = select(2, pcall(string.find, "a", "%")) local c = select(2, pcall(string.match, "a", "(()")) return { a, b, c }',
      ["malformed pattern (missing ']')", "malformed pattern (ends with '%')", 'unfinished capture'],
    ],
    [
      'string methods through the metatable',
      'local s = "abc" return { s:upper(), ("%d"):format(5), s:rep(2), ("x"):byte() }',
      ['ABC', '5', 'abcabc', 120],
    ],
    ['indexing a string by a number gives nil', 'local s = "abc" return s[1] == nil', true],
    [
      'a missing string method is an error',
      fails('local s = "x" return s:nomethod()'),
      [false, "attempt to call a nil value (method 'nomethod')"],
    ],
  ]);
});

describe('string.format', () => {
  cases([
    [
      '%d and %i',
      'return { string.format("%d", 3.0), string.format("%i", -7), string.format("%5d|%-5d|%05d", 42, 42, 42), string.format("%+d", 5), string.format("%d", "10") }',
      ['3', '-7', '   42|42   |00042', '+5', '10'],
    ],
    [
      '%d with a non-integral float',
      fails('return string.format("%d", 3.5)'),
      [false, "bad argument #2 to 'format' (number has no integer representation)"],
    ],
    [
      '%f, %e, %g, %a',
      'return { string.format("%5.2f", 3.14159), string.format("%.3f", 2/3), string.format("%e", 1000), string.format("%g", 0.0001), string.format("%g", 1e20), string.format("%.14g", 0.1), string.format("%a", 1.0) }',
      [' 3.14', '0.667', '1.000000e+03', '0.0001', '1e+20', '0.1', '0x1p+0'],
    ],
    [
      '%x, %X, %o, %c',
      'return { string.format("%x", 255), string.format("%X", 255), string.format("%#x", 255), string.format("%o", 8), string.format("%c", 65), string.format("%x", -1) }',
      ['ff', 'FF', '0xff', '10', 'A', 'ffffffffffffffff'],
    ],
    [
      '%s with padding, precision and tostring',
      'return { string.format("%10s|%-5s|", "hi", "ab"), string.format("%5.1s", "abc"), string.format("%s", 1.0), string.format("%s %s", nil, true), string.format("%s", setmetatable({}, { __tostring = function() return "T" end })) }',
      ['        hi|ab   |', '    a', '1.0', 'nil true', 'T'],
    ],
    [
      '%q quotes strings with the escapes Lua reads',
      String.raw`local s = "a\nb\"\0\1\200\\" local q = string.format("%q", s) return q == '"a\\\nb\\"\\0\\1\200\\\\"'`,
      true,
    ],
    [
      '%q of numbers, booleans and nil',
      'return { string.format("%q", 1), string.format("%q", 1.0), string.format("%q", math.mininteger), string.format("%q", math.huge), string.format("%q", -math.huge), string.format("%q", true), string.format("%q", nil), string.format("%q", 0/0) }',
      ['1', '0x1p+0', '0x8000000000000000', '1e9999', '-1e9999', 'true', 'nil', '(0/0)'],
    ],
    [
      '%q of a table is an error',
      fails('return string.format("%q", {})'),
      [false, "bad argument #2 to 'format' (value has no literal form)"],
    ],
    ['%%', 'return string.format("100%%")', '100%'],
    ['a missing argument', fails('return string.format("%d")'), [false, "bad argument #2 to 'format' (no value)"]],
    ['an invalid conversion', fails('return string.format("%y", 1)'), [false, "invalid conversion '%y' to 'format'"]],
  ]);

  test('%q output read back as the source of another script is the same string', async () => {
    // A script's source is UTF-8 text: no byte of 0x80 or more here (the case above has \200).
    const text = String.raw`"a\nb\"\0\1\\\t\r"`;
    const quoted = await valueOf(`return string.format("%q", ${text})`);
    expect(typeof quoted).toBe('string');
    expect(await valueOf(`return ${quoted as string} == ${text}`)).toBe(true);
  });
});

describe('string.pack and string.unpack', () => {
  cases([
    [
      'integers of every size and endianness',
      'return { #string.pack("i4", 100), string.unpack("i4", string.pack("i4", -2)), string.pack(">I2", 258) == "\\1\\2", string.pack("<I2", 258) == "\\2\\1", string.unpack("<i2", "\\255\\255"), (string.unpack(">I3", "\\0\\1\\0")) }',
      [4, -2, true, true, -1, 256],
    ],
    [
      'sizes',
      'return { string.packsize("i4i8"), string.packsize("!8i4i8"), string.packsize("d"), string.packsize("b"), string.packsize("j") }',
      [12, 16, 8, 1, 8],
    ],
    [
      'strings: zero-terminated, length-prefixed, fixed',
      'return { string.pack("z", "hi") == "hi\\0", string.pack("s1", "abc") == "\\3abc", { string.unpack("s1", "\\3abcX") }, string.pack("c5", "ab") == "ab\\0\\0\\0", (string.unpack("z", "hi\\0rest")) }',
      [true, true, ['abc', 5], true, 'hi'],
    ],
    [
      'floats round-trip',
      'return { string.unpack("d", string.pack("d", 0.1)) == 0.1, string.unpack("f", string.pack("f", 1.5)), (string.unpack("n", string.pack("n", -2.25))) }',
      [true, 1.5, -2.25],
    ],
    [
      'unpack returns the next position; several values',
      'return { string.unpack("i1i1i1", "\\1\\2\\3") }',
      [1, 2, 3, 4],
    ],
    ['unpack from a position', 'return { string.unpack("B", "\\1\\2\\3", 2) }', [2, 3]],
    [
      'integer overflow is refused',
      fails('return string.pack("i1", 200)'),
      [false, "bad argument #2 to 'pack' (integer overflow)"],
    ],
    [
      'data too short',
      fails('return string.unpack("i4", "ab")'),
      [false, "bad argument #2 to 'unpack' (data string too short)"],
    ],
  ]);
});

describe('utf8 library', () => {
  cases([
    [
      'char and charpattern',
      'return { utf8.char(72, 233, 0x20AC), #utf8.char(0x10FFFF), utf8.charpattern == "[\\0-\\x7F\\xC2-\\xFD][\\x80-\\xBF]*" }',
      ['Hé€', 4, true],
    ],
    [
      'codepoint and len',
      'return { { utf8.codepoint("héllo", 1, -1) }, utf8.len("héllo"), utf8.len("") }',
      [[104, 233, 108, 108, 111], 5, 0],
    ],
    [
      'len of invalid UTF-8 gives nil and the position',
      'return { utf8.len("ab\\xffcd") == nil, select(2, utf8.len("ab\\xffcd")) }',
      [true, 3],
    ],
    [
      'offset',
      'return { utf8.offset("héllo", 3), utf8.offset("héllo", -1), utf8.offset("héllo", 0, 3), utf8.offset("héllo", 10) == nil }',
      [4, 6, 2, true],
    ],
    [
      'codes iterates over positions and code points',
      'local out = {} for p, c in utf8.codes("aé€") do out[#out + 1] = { p, c } end return out',
      [
        [1, 97],
        [2, 233],
        [4, 8364],
      ],
    ],
    ['codepoint of invalid UTF-8 is an error', fails('return utf8.codepoint("\\xff")'), [false, 'invalid UTF-8 code']],
    [
      'lax mode accepts code points past U+10FFFF',
      'local s = utf8.char(0x7FFFFFFF) return { #s, utf8.len(s) == nil, utf8.len(s, 1, -1, true), utf8.codepoint(s, 1, 1, true) }',
      [6, true, 1, 0x7fffffff],
    ],
  ]);
});

describe('table library', () => {
  cases([
    [
      'insert at the end and at a position',
      'local t = { 1, 2 } table.insert(t, 3) table.insert(t, 1, 0) return t',
      [0, 1, 2, 3],
    ],
    [
      'insert at a position out of bounds',
      fails('local t = { 1 } table.insert(t, 5, 2)'),
      [false, "bad argument #2 to 'insert' (position out of bounds)"],
    ],
    [
      'insert with a wrong number of arguments',
      fails('table.insert({}, 1, 2, 3)'),
      [false, "wrong number of arguments to 'insert'"],
    ],
    [
      'remove from the end, the front, an empty table and past the end',
      'local t = { 1, 2, 3 } local a = table.remove(t) local b = table.remove(t, 1) local e = {} return { a, b, t, table.remove(e) == nil, table.remove(t, #t + 1) == nil, #t }',
      [3, 1, [2], true, true, 1],
    ],
    [
      'concat',
      'return { table.concat({ 1, 2, 3 }), table.concat({ "a", "b", "c" }, ", "), table.concat({ "a", "b", "c" }, "-", 2, 3), table.concat({}, ","), table.concat({ 1, 2.5 }, " ") }',
      ['123', 'a, b, c', 'b-c', '', '1 2.5'],
    ],
    [
      'concat of a non-string value',
      fails('return table.concat({ 1, {}, 3 })'),
      [false, "invalid value (table) at index 2 in table for 'concat'"],
    ],
    [
      'sort, with and without a comparator',
      'local a = { 5, 2, 8, 1 } table.sort(a) local b = { "b", "c", "a" } table.sort(b, function(x, y) return x > y end) return { a, b }',
      [
        [1, 2, 5, 8],
        ['c', 'b', 'a'],
      ],
    ],
    [
      'sort of values that cannot be compared',
      'local ok, err = pcall(table.sort, { 1, "x", 2 }) return { ok, err:match("attempt to compare %a+ with %a+") ~= nil }',
      [false, true],
    ],
    [
      'move within a table, overlapping, and to another table',
      'local a = { 1, 2, 3, 4 } table.move(a, 1, 3, 2) local b = table.move({ 1, 2 }, 1, 2, 3, { "x", "y" }) return { a, b }',
      [
        [1, 1, 2, 3],
        ['x', 'y', 1, 2],
      ],
    ],
    [
      'pack and unpack',
      'local p = table.pack(1, nil, 3) return { p.n, p[3], select("#", table.unpack({ 1, 2, 3 }, 2)), select("#", table.unpack({ 1, 2, 3 }, 2, 5)), table.unpack({ 1, 2, 3 }, -1, 1) }',
      [3, 3, 2, 4, null, null, 1],
    ],
    ['unpack of a range', 'return { table.unpack({ "a", "b", "c" }, 2, 3) }', ['b', 'c']],
    [
      'the library honours metamethods',
      'local log, store = {}, {} local t = setmetatable({}, { __newindex = function(_, k, v) log[#log + 1] = k store[k] = v end, __len = function() return 0 end }) table.insert(t, "x") return { log[1], store[1], next(t) == nil }',
      [1, 'x', true],
    ],
    ['length of a sequence and of strings', 'return { #{ 1, 2, 3 }, #{}, #{ n = 1 }, #"abc" }', [3, 0, 0, 3]],
  ]);
});

describe('control flow', () => {
  cases([
    [
      'integer for-loop to maxinteger stops',
      'local n = 0 for i = math.maxinteger - 2, math.maxinteger do n = n + 1 end return n',
      3,
    ],
    [
      'integer for-loop down to mininteger stops',
      'local n = 0 for i = math.mininteger + 2, math.mininteger, -1 do n = n + 1 end return n',
      3,
    ],
    [
      'an empty loop, a negative step, a large step',
      'local a, b, c = 0, {}, 0 for i = 1, 0 do a = a + 1 end for i = 3, 1, -1 do b[#b + 1] = i end for i = 1, math.maxinteger, math.maxinteger // 2 do c = c + 1 end return { a, b, c }',
      [0, [3, 2, 1], 3],
    ],
    [
      'float loops',
      'local out = {} for i = 1, 2, 0.5 do out[#out + 1] = i end local t = {} for i = 1, 3.5 do t[#t + 1] = math.type(i) end return { out, t, math.type(out[1]) }',
      [[1, 1.5, 2], ['integer', 'integer', 'integer'], 'float'],
    ],
    ['a float start makes a float loop', 'local t for i = 1.0, 2 do t = math.type(i) end return t', 'float'],
    [
      'changing the loop variable does not change the iteration',
      'local n = 0 for i = 1, 3 do local j = i i = 10 n = n + j end return n',
      6,
    ],
    ['step zero is an error', fails('for i = 1, 10, 0 do end'), [false, "'for' step is zero"]],
    [
      'a limit that is not a number is an error',
      fails('for i = 1, {} do end'),
      [false, "bad 'for' limit (number expected, got table)"],
    ],
    [
      'generic for with a closing value',
      'local closed = false local function iter() return function(_, i) if i < 3 then return i + 1 end end, nil, 0, setmetatable({}, { __close = function() closed = true end }) end local n = 0 for i in iter() do n = n + i end return { n, closed }',
      [6, true],
    ],
    [
      'goto as continue',
      'local out = {} for i = 1, 5 do if i % 2 == 0 then goto continue end out[#out + 1] = i ::continue:: end return out',
      [1, 3, 5],
    ],
    ['goto backwards', 'local i = 0 ::top:: i = i + 1 if i < 3 then goto top end return i', 3],
    [
      'break out of nested loops only breaks the inner',
      'local n = 0 for i = 1, 3 do for j = 1, 3 do if j == 2 then break end n = n + 1 end end return n',
      3,
    ],
    [
      'repeat sees locals of its body in until',
      'local i = 0 repeat local done = i >= 2 i = i + 1 until done return i',
      3,
    ],
    ['while with break', 'local i = 0 while true do i = i + 1 if i == 4 then break end end return i', 4],
    [
      'each iteration has its own local',
      'local fs = {} for i = 1, 3 do fs[i] = function() return i end end return { fs[1](), fs[2](), fs[3]() }',
      [1, 2, 3],
    ],
    [
      'closures share upvalues',
      'local function counter() local n = 0 return function() n = n + 1 return n end, function() return n end end local inc, get = counter() inc() inc() return get()',
      2,
    ],
    [
      'and/or return operands',
      'return { nil or "d", false and 1, 1 and 2, (nil and 1) == nil, (false or nil) == nil, 0 or 1, "" and "s" }',
      ['d', false, 2, true, true, 0, 's'],
    ],
    [
      'integer division of a loop bound is not needed: # of a long loop',
      'local n = 0 for _ = 1, 1000 do n = n + 1 end return n',
      1000,
    ],
  ]);
  syntaxErrors([
    [
      'goto into the scope of a local does not compile',
      'goto l local x = 1 ::l:: print(x)',
      "jumps into the scope of local 'x'",
    ],
    ['goto to an invisible label does not compile', 'do ::l:: end goto l', "no visible label 'l' for <goto>"],
    ['<const> variables cannot be assigned', 'local x <const> = 1 x = 2', "attempt to assign to const variable 'x'"],
    ['an unknown attribute does not compile', 'local x <foo> = 1', "unknown attribute 'foo'"],
  ]);
});

describe('functions and varargs', () => {
  cases([
    [
      'select with a negative index',
      'return { select(-1, "a", "b", "c"), { select(-2, "a", "b", "c") }, { select(2, "a", "b", "c") } }',
      ['c', ['b', 'c'], ['b', 'c']],
    ],
    [
      'select out of range',
      fails('return select(-4, "a", "b", "c")'),
      [false, "bad argument #1 to 'select' (index out of range)"],
    ],
    [
      'select(0) is out of range',
      fails('return select(0, "a")'),
      [false, "bad argument #1 to 'select' (index out of range)"],
    ],
    ['select past the end gives nothing', 'return select("#", select(5, 1, 2))', 0],
    [
      'varargs count nils',
      'local function f(...) return select("#", ...) end return { f(), f(nil), f(nil, nil), table.pack(nil).n }',
      [0, 1, 2, 1],
    ],
    [
      'fixed parameters and varargs',
      'local function f(a, ...) local b, c = ... return { a, b, c, select("#", ...) } end return f(1, 2)',
      [1, 2, null, 1],
    ],
    [
      'parentheses keep one value; a call in the middle of a list gives one',
      'local function f() return 1, 2, 3 end return { select("#", (f())), { f(), f() }, { f(), 10 } }',
      [1, [1, 1, 2, 3], [1, 10]],
    ],
    [
      'multiple assignment evaluates before assigning',
      'local a, b = 1, 2 a, b = b, a local t = { 1, 2 } local i = 1 i, t[i] = i + 1, 20 return { a, b, t[1], t[2] }',
      [2, 1, 20, 2],
    ],
    [
      'extra values are dropped and missing ones are nil',
      'local a, b, c = (function() return 1, 2 end)() local d = (function() return 3, 4 end)() return { a, b, c == nil, d }',
      [1, 2, true, 3],
    ],
    [
      'method call syntax passes self',
      'local obj = { n = 2 } function obj:mul(x) return self.n * x end return { obj:mul(5), obj.mul(obj, 6) }',
      [10, 12],
    ],
    [
      'recursion of local functions',
      'local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end return fact(20)',
      2432902008176640000,
    ],
    [
      'proper tail calls do not grow the stack',
      'local function loop(n) if n == 0 then return "done" end return loop(n - 1) end return loop(100000)',
      'done',
    ],
    ['calling a non-function', fails('local t = {} t()'), [false, "attempt to call a table value (local 't')"]],
    [
      'indexing nil names the field',
      fails('local t = {} return t.a.b'),
      [false, "attempt to index a nil value (field 'a')"],
    ],
    [
      'deep recursion',
      'local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end return depth(10000)',
      10000,
    ],
    [
      'C stack overflow is an ordinary error',
      'local t = setmetatable({}, {}) getmetatable(t).__index = function(t, k) return t[k] end local ok, err = pcall(function() return t.x end) return { ok, err:match("stack overflow") ~= nil }',
      [false, true],
    ],
  ]);
});

describe('metatables and metamethods', () => {
  cases([
    [
      '__index as a table and a function, chained',
      'local base = { a = 1 } local mid = setmetatable({ b = 2 }, { __index = base }) local t = setmetatable({}, { __index = mid }) local f = setmetatable({}, { __index = function(_, k) return k .. "!" end }) return { t.a, t.b, t.c == nil, f.x }',
      [1, 2, true, 'x!'],
    ],
    [
      '__newindex as a table and a function',
      'local store = {} local t = setmetatable({}, { __newindex = store }) t.a = 1 local log = {} local u = setmetatable({}, { __newindex = function(_, k, v) log[#log + 1] = k .. "=" .. v end }) u.x = 5 u.x = 6 return { next(t) == nil, store.a, log }',
      [true, 1, ['x=5', 'x=6']],
    ],
    [
      '__newindex is not called for existing keys',
      'local n = 0 local t = setmetatable({ a = 1 }, { __newindex = function() n = n + 1 end }) t.a = 2 t.b = 3 return { n, t.a, t.b == nil }',
      [1, 2, true],
    ],
    [
      '__call with arguments',
      'local t = setmetatable({}, { __call = function(self, a, b) return a + b, self end }) local s, self = t(2, 3) return { s, self == t }',
      [5, true],
    ],
    [
      'arithmetic metamethods on either side',
      'local mt = {} mt.__add = function(a, b) return "add" end mt.__unm = function() return "unm" end mt.__idiv = function() return "idiv" end mt.__mod = function() return "mod" end mt.__pow = function() return "pow" end local t = setmetatable({}, mt) return { t + 1, 1 + t, -t, t // 2, t % 2, t ^ 2 }',
      ['add', 'add', 'unm', 'idiv', 'mod', 'pow'],
    ],
    [
      'bitwise metamethods',
      'local mt = { __band = function() return "band" end, __shl = function() return "shl" end, __bnot = function() return "bnot" end, __bor = function() return "bor" end } local t = setmetatable({}, mt) return { t & 1, 1 << t, ~t, 3 | t }',
      ['band', 'shl', 'bnot', 'bor'],
    ],
    [
      '__concat with the table on either side',
      'local t = setmetatable({}, { __concat = function(a, b) return (type(a) == "table" and "T" or a) .. (type(b) == "table" and "T" or b) end }) return { t .. "x", "x" .. t, 1 .. t }',
      ['Tx', 'xT', '1T'],
    ],
    ['__len', 'return #setmetatable({ 1, 2 }, { __len = function() return 42 end })', 42],
    [
      '__eq is called only for two tables that are not the same',
      'local n = 0 local mt = { __eq = function() n = n + 1 return 1 end } local a, b = setmetatable({}, mt), setmetatable({}, mt) return { a == b, a ~= b, a == a, a == 1, n }',
      [true, false, true, false, 2],
    ],
    [
      '__lt and __le; __le does not fall back to __lt',
      'local mt = { __lt = function(a, b) return a.v < b.v end } local a, b = setmetatable({ v = 1 }, mt), setmetatable({ v = 2 }, mt) local ok = pcall(function() return a <= b end) return { a < b, b > a, ok }',
      [true, true, false],
    ],
    [
      '__le when given',
      'local mt = { __le = function(a, b) return a.v <= b.v end } local a, b = setmetatable({ v = 1 }, mt), setmetatable({ v = 1 }, mt) return { a <= b, a >= b }',
      [true, true],
    ],
    [
      '__lt between a table and a number',
      'local t = setmetatable({}, { __lt = function(a, b) return type(a) == "table" end }) return { t < 1, 1 < t }',
      [true, false],
    ],
    [
      'comparison results become booleans',
      'local t = setmetatable({}, { __lt = function() return 1 end }) return t < t',
      true,
    ],
    [
      '__metatable protects and is what getmetatable shows',
      'local t = setmetatable({}, { __metatable = false }) local ok, err = pcall(setmetatable, t, {}) return { getmetatable(t), ok, err }',
      [false, false, 'cannot change a protected metatable'],
    ],
    [
      '__pairs is honoured by pairs',
      'local t = setmetatable({}, { __pairs = function(t) return function(_, k) if not k then return 1, "a" end end, t, nil end }) local out = {} for k, v in pairs(t) do out[k] = v end return out',
      ['a'],
    ],
    [
      'ipairs stops at the first nil and honours __index',
      'local t = setmetatable({ 1, 2 }, { __index = function(_, i) if i <= 4 then return i * 10 end end }) local n = 0 for _, v in ipairs(t) do n = n + v end local m = 0 for _ in ipairs({ 1, nil, 3 }) do m = m + 1 end return { n, m }',
      [73, 1],
    ],
    [
      'setmetatable returns its table; nil removes the metatable',
      'local t = {} local r = setmetatable(t, {}) setmetatable(t, nil) return { r == t, getmetatable(t) == nil }',
      [true, true],
    ],
    [
      'setmetatable works on tables only',
      fails('setmetatable(1, {})'),
      [false, "bad argument #1 to 'setmetatable' (table expected, got number)"],
    ],
    [
      '__index on a missing method call',
      'local Class = {} Class.__index = Class function Class.new(v) return setmetatable({ v = v }, Class) end function Class:get() return self.v end return Class.new(7):get()',
      7,
    ],
    [
      '__mode does not change reads',
      'local t = setmetatable({}, { __mode = "k" }) local k = {} t[k] = 1 return t[k]',
      1,
    ],
  ]);
});

describe('to-be-closed variables', () => {
  cases([
    [
      'closed in reverse order at the end of the block',
      'local log = {} do local a <close> = setmetatable({}, { __close = function() log[#log + 1] = "a" end }) local b <close> = setmetatable({}, { __close = function() log[#log + 1] = "b" end }) end return log',
      ['b', 'a'],
    ],
    [
      'closed on break and return',
      'local log = {} local function mk(n) return setmetatable({}, { __close = function() log[#log + 1] = n end }) end for i = 1, 2 do local x <close> = mk(i) if i == 1 then goto skip end break ::skip:: end local function f() local y <close> = mk("r") return "ret" end local r = f() return { log, r }',
      [[1, 2, 'r'], 'ret'],
    ],
    [
      'closed with the error when the block fails',
      'local got local ok, err = pcall(function() local x <close> = setmetatable({}, { __close = function(_, e) got = e end }) error("boom", 0) end) return { ok, err, got }',
      [false, 'boom', 'boom'],
    ],
    ['nil and false may be closed', 'do local a <close> = nil local b <close> = false end return true', true],
    [
      'a value without __close is an error',
      fails('local x <close> = {}'),
      [false, "variable 'x' got a non-closable value"],
    ],
    [
      'an error in __close replaces the error',
      'local ok, err = pcall(function() local x <close> = setmetatable({}, { __close = function() error("in close", 0) end }) error("first", 0) end) return { ok, err }',
      [false, 'in close'],
    ],
  ]);
  syntaxErrors([
    ['close variables are constant', 'local x <close> = nil x = 1', "attempt to assign to const variable 'x'"],
  ]);
});

describe('coroutines', () => {
  cases([
    [
      'resume and yield pass values both ways',
      'local co = coroutine.create(function(a, b) local c = coroutine.yield(a + b) local d, e = coroutine.yield(c * 2) return d + e end) return { { coroutine.resume(co, 1, 2) }, { coroutine.resume(co, 10) }, { coroutine.resume(co, 3, 4) }, { coroutine.resume(co) } }',
      [
        [true, 3],
        [true, 20],
        [true, 7],
        [false, 'cannot resume dead coroutine'],
      ],
    ],
    [
      'status through the life of a coroutine',
      'local co co = coroutine.create(function() local inner = coroutine.create(function() return coroutine.status(co) end) local _, s = coroutine.resume(inner) coroutine.yield(coroutine.status(co), s) end) local before = coroutine.status(co) local _, running, normal = coroutine.resume(co) local suspended = coroutine.status(co) coroutine.resume(co) return { before, running, normal, suspended, coroutine.status(co) }',
      ['suspended', 'running', 'normal', 'suspended', 'dead'],
    ],
    [
      'wrap returns a function and raises errors',
      'local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end) local out = { gen(), gen(), gen() } local w = coroutine.wrap(function() error("oops", 0) end) local ok, err = pcall(w) return { out, ok, err }',
      [[1, 2, 3], false, 'oops'],
    ],
    [
      'wrap of a dead coroutine',
      'local w = coroutine.wrap(function() end) w() local ok, err = pcall(w) return { ok, err }',
      [false, 'cannot resume dead coroutine'],
    ],
    [
      'isyieldable with and without an argument',
      'local main = coroutine.isyieldable() local fresh = coroutine.create(print) local inside, of_main local co = coroutine.create(function() inside = coroutine.isyieldable() coroutine.yield() end) coroutine.resume(co) return { main, coroutine.isyieldable(fresh), inside, coroutine.isyieldable(co) }',
      [false, true, true, true],
    ],
    [
      'isyieldable of the running main thread through its value',
      'local co = coroutine.running() return coroutine.isyieldable(co)',
      false,
    ],
    [
      'isyieldable checks its argument',
      fails('return coroutine.isyieldable(1)'),
      [false, "bad argument #1 to 'isyieldable' (coroutine expected, got number)"],
    ],
    [
      'running tells the main thread',
      'local co, main = coroutine.running() local inner = { coroutine.resume(coroutine.create(function() local c, m = coroutine.running() return type(c), m end)) } return { type(co), main, inner[2], inner[3] }',
      ['thread', true, 'thread', false],
    ],
    ['yield outside a coroutine', fails('coroutine.yield(1)'), [false, 'attempt to yield from outside a coroutine']],
    [
      'an error inside a coroutine is returned by resume',
      'local co = coroutine.create(function() error({ code = 1 }) end) local ok, err = coroutine.resume(co) return { ok, err.code, coroutine.status(co) }',
      [false, 1, 'dead'],
    ],
    [
      'close a suspended coroutine runs its pending closes',
      'local closed = false local co = coroutine.create(function() local x <close> = setmetatable({}, { __close = function() closed = true end }) coroutine.yield() end) coroutine.resume(co) local ok = coroutine.close(co) return { ok, closed, coroutine.status(co) }',
      [true, true, 'dead'],
    ],
    [
      'close a coroutine that failed returns its error',
      'local co = coroutine.create(function() error("bad", 0) end) coroutine.resume(co) return { coroutine.close(co) }',
      [false, 'bad'],
    ],
    [
      'close the running coroutine is an error',
      'local co co = coroutine.create(function() return pcall(coroutine.close, co) end) local _, ok, err = coroutine.resume(co) return { ok, err }',
      [false, 'cannot close a running coroutine'],
    ],
    [
      'yield across pcall',
      'local co = coroutine.create(function() local ok, v = pcall(function() return coroutine.yield(1) + 1 end) return ok, v end) coroutine.resume(co) return { coroutine.resume(co, 41) }',
      [true, true, 42],
    ],
    [
      'a generator in a for loop',
      'local function range(n) return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) end local s = 0 for i in range(4) do s = s + i end return s',
      10,
    ],
  ]);
});

describe('errors, pcall and xpcall', () => {
  cases([
    [
      'error adds the position of the caller of error',
      'local ok, err = pcall(function() error("msg") end) return err',
      'script:1: msg',
    ],
    ['error level 0 adds no position', 'return select(2, pcall(error, "msg", 0))', 'msg'],
    [
      'error level 2 blames the caller',
      'local function check(x) if not x then error("bad input", 2) end end local ok, err = pcall(function()\n check(false)\n end) return err',
      'script:2: bad input',
    ],
    [
      'error with a table keeps the table',
      'local e = { code = 42 } local ok, err = pcall(error, e) return { ok, err == e, err.code }',
      [false, true, 42],
    ],
    [
      'error with a number adds no position',
      'local ok, err = pcall(function() error(42) end) return { ok, err, math.type(err) }',
      [false, 42, 'integer'],
    ],
    ['error with nil', 'local ok, err = pcall(error) return { ok, err == nil }', [false, true]],
    ['pcall returns all results', 'return { pcall(function(a) return a, 2, 3 end, 1) }', [true, 1, 2, 3]],
    ['pcall of a non-function', 'return { pcall(nil) }', [false, 'attempt to call a nil value']],
    ['pcall without arguments', fails('return pcall()'), [false, "bad argument #1 to 'pcall' (value expected)"]],
    [
      'pcall of a callable table',
      'local t = setmetatable({}, { __call = function(_, x) return x * 2 end }) return { pcall(t, 21) }',
      [true, 42],
    ],
    [
      'xpcall passes arguments and returns all results',
      'return { xpcall(function(a, b) return a + b, "x" end, print, 1, 2) }',
      [true, 3, 'x'],
    ],
    [
      'xpcall calls the handler with the error',
      'return { xpcall(function() error({ c = 1 }) end, function(e) return "handled " .. e.c end) }',
      [false, 'handled 1'],
    ],
    [
      'xpcall handler gets the position of the error',
      'return { xpcall(function() local x = nil return x.y end, function(e) return e end) }',
      [false, "script:1: attempt to index a nil value (local 'x')"],
    ],
    [
      'xpcall keeps only the first value of the handler',
      'return select("#", xpcall(error, function() return 1, 2 end))',
      2,
    ],
    [
      'xpcall whose handler always fails',
      'return { xpcall(error, function() error("again") end, "x") }',
      [false, 'error in error handling'],
    ],
    [
      'xpcall calls a failing handler again with its own error',
      'local n = 0 return { xpcall(error, function(m) n = n + 1 if n < 3 then error("again" .. n, 0) end return "handled " .. m end, "x") }',
      [false, 'handled again2'],
    ],
    [
      'xpcall needs a function handler',
      fails('return xpcall(print)'),
      [false, "bad argument #2 to 'xpcall' (function expected, got nil)"],
    ],
    ['nested pcall', 'return { pcall(pcall, error, "x") }', [true, false, 'x']],
    [
      'runtime error messages name variables',
      'local r = {} local ok1, e1 = pcall(function() return undefined_global.x end) local ok2, e2 = pcall(function() local t = {} return t.a.b end) local ok3, e3 = pcall(function() return #nil end) return { e1, e2, e3 }',
      [
        "script:1: attempt to index a nil value (global 'undefined_global')",
        "script:1: attempt to index a nil value (field 'a')",
        'script:1: attempt to get length of a nil value',
      ],
    ],
  ]);
});

describe('the sandbox keeps raw bytes of strings', () => {
  test('a pattern over bytes written as \\ddd escapes matches', async () => {
    expect(
      await valueOf('local s = "\\233t\\233" return { #s, s:find("\\233", 2, true), (s:gsub("\\233", "e")) }'),
    ).toEqual([3, 3, 'ete']);
  });
});
