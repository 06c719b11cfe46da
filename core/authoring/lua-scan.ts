// A small Lua 5.4 tokenizer for the editor's hints: which helpers a script names and which secret
// names it reads. It only needs to know what is code, so that `helpers.xyz` inside a comment or a
// string is not reported, and what a string literal holds. It never fails: text that Lua would
// refuse is tokenized as well as it goes (the syntax check reports it). Columns are 1-based UTF-16
// offsets within the line, which is what the editor (Monaco) counts.

export type LuaTokenKind = 'name' | 'string' | 'number' | 'symbol';

export interface LuaToken {
  kind: LuaTokenKind;
  /** The token's text; for a string, its decoded content. */
  text: string;
  line: number;
  column: number;
}

const longBracketOpen = /\[(=*)\[/y;
const namePattern = /[A-Za-z_][A-Za-z0-9_]*/y;
const numberPattern = /(?:0[xX](?:[0-9a-fA-F.]|[pP][+-]?)*|(?:[0-9.]|[eE][+-]?)+)[A-Za-z0-9_]*/y;
const simpleEscapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };

export function tokenizeLua(source: string): LuaToken[] {
  const tokens: LuaToken[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;

  /** Moves to `end`, counting the line breaks passed. */
  const advanceTo = (end: number) => {
    for (let k = i; k < end; k++) {
      if (source[k] === '\n') {
        line += 1;
        lineStart = k + 1;
      }
    }
    i = end;
  };
  const matchAt = (pattern: RegExp, at: number) => {
    pattern.lastIndex = at;
    return pattern.exec(source);
  };
  /** Skips a long bracket `[==[ … ]==]` starting at i; returns its content. */
  const longBracket = (level: string): string => {
    const open = 2 + level.length;
    const close = source.indexOf(`]${level}]`, i + open);
    const end = close === -1 ? source.length : close + open;
    const content = source.slice(i + open, close === -1 ? source.length : close);
    advanceTo(end);
    return content.startsWith('\r\n') ? content.slice(2) : content.replace(/^\n/, '');
  };

  while (i < source.length) {
    const char = source[i] ?? '';
    const start = { line, column: i - lineStart + 1 };
    if (char === '\n' || char === ' ' || char === '\t' || char === '\r' || char === '\f' || char === '\v') {
      advanceTo(i + 1);
    } else if (source.startsWith('--', i)) {
      const long = matchAt(longBracketOpen, i + 2);
      if (long) {
        advanceTo(i + 2);
        longBracket(long[1] ?? '');
      } else {
        const end = source.indexOf('\n', i);
        i = end === -1 ? source.length : end;
      }
    } else if (char === '[' && matchAt(longBracketOpen, i)) {
      const level = matchAt(longBracketOpen, i)?.[1] ?? '';
      tokens.push({ kind: 'string', text: longBracket(level), ...start });
    } else if (char === '"' || char === "'") {
      const { text, end } = shortString(source, i);
      advanceTo(end);
      tokens.push({ kind: 'string', text, ...start });
    } else if (/[A-Za-z_]/.test(char)) {
      const name = matchAt(namePattern, i)?.[0] ?? char;
      tokens.push({ kind: 'name', text: name, ...start });
      i += name.length;
    } else if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const number = matchAt(numberPattern, i)?.[0] ?? char;
      tokens.push({ kind: 'number', text: number, ...start });
      i += number.length;
    } else {
      const symbol = ['...', '..', '::', '==', '~=', '<=', '>=', '//', '<<', '>>'].find((s) => source.startsWith(s, i));
      const text = symbol ?? char;
      tokens.push({ kind: 'symbol', text, ...start });
      i += text.length;
    }
  }
  return tokens;
}

/** A quoted string from `start` (the quote): its decoded content and where it ends. */
function shortString(source: string, start: number): { text: string; end: number } {
  const quote = source[start];
  let text = '';
  let i = start + 1;
  while (i < source.length) {
    const char = source[i] ?? '';
    if (char === quote) return { text, end: i + 1 };
    // An unfinished string ends at the line break (Lua refuses it; the syntax check says so).
    if (char === '\n') return { text, end: i };
    if (char !== '\\') {
      text += char;
      i += 1;
      continue;
    }
    const next = source[i + 1] ?? '';
    if (next in simpleEscapes) {
      text += simpleEscapes[next];
      i += 2;
    } else if (next === 'z') {
      i += 2;
      while (/\s/.test(source[i] ?? '')) i += 1;
    } else if (/[0-9]/.test(next)) {
      const digits = /^[0-9]{1,3}/.exec(source.slice(i + 1, i + 4))?.[0] ?? next;
      text += String.fromCharCode(Number(digits) & 0xff);
      i += 1 + digits.length;
    } else if (next === 'x') {
      text += String.fromCharCode(parseInt(source.slice(i + 2, i + 4), 16) || 0);
      i += 4;
    } else {
      // \\, \", \', an escaped line break, and what Lua would refuse: the character itself.
      text += next;
      i += 2;
    }
  }
  return { text, end: i };
}

export interface NamedReference {
  name: string;
  line: number;
  column: number;
}

export interface HelperReferences {
  /** `helpers.x`, `helpers:x` and `helpers["x"]`, at the name x. */
  helpers: NamedReference[];
  /** The literal name of `helpers.secret("NAME")` (or `helpers.secret "NAME"`), at the string. */
  secrets: NamedReference[];
}

/** Where a script names a helper and which secrets it reads by a literal name. */
export function findHelperReferences(source: string): HelperReferences {
  const tokens = tokenizeLua(source);
  const result: HelperReferences = { helpers: [], secrets: [] };
  const is = (k: number, kind: LuaTokenKind, text?: string) =>
    tokens[k]?.kind === kind && (text === undefined || tokens[k]?.text === text);

  tokens.forEach((token, k) => {
    if (token.kind !== 'name' || token.text !== 'helpers') return;
    // `t.helpers` or `t:helpers` is a field of something else, not the global.
    if (is(k - 1, 'symbol', '.') || is(k - 1, 'symbol', ':')) return;
    let helper: LuaToken | undefined;
    let after = k;
    if ((is(k + 1, 'symbol', '.') || is(k + 1, 'symbol', ':')) && is(k + 2, 'name')) {
      helper = tokens[k + 2];
      after = k + 3;
    } else if (is(k + 1, 'symbol', '[') && is(k + 2, 'string') && is(k + 3, 'symbol', ']')) {
      helper = tokens[k + 2];
      after = k + 4;
    }
    if (!helper) return;
    result.helpers.push({ name: helper.text, line: helper.line, column: helper.column });
    if (helper.text !== 'secret') return;
    // Only a literal alone as the argument names the secret; `"A" .. x` is computed at run time.
    const literal = is(after, 'string')
      ? tokens[after]
      : is(after, 'symbol', '(') && is(after + 1, 'string') && is(after + 2, 'symbol', ')')
        ? tokens[after + 1]
        : undefined;
    if (literal) result.secrets.push({ name: literal.text, line: literal.line, column: literal.column });
  });
  return result;
}

/** The distinct secret names a script reads by literal, sorted. */
export function secretsUsedBy(source: string): string[] {
  return [...new Set(findHelperReferences(source).secrets.map((reference) => reference.name))].sort();
}
