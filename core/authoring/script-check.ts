import type { ChannelOutput } from '../../shared/contract';
import { defaultLimits, utf8ByteLength } from '../../shared/engine';
import { checkLuaSyntax } from '../../shared/engine/node/syntax-check';
import type { Handlers } from '../router';
import type { Workspace } from '../store';
import { findHelperReferences } from './lua-scan';

// The editor's diagnostics while typing. Syntax comes from the engine's own Lua (what the sandbox
// would refuse, word for word); the rest are hints the engine would only report at run time, or
// never: a misspelt helper is a RUNTIME_ERROR on the line it runs, if it runs; an undeclared
// secret is SECRET_NOT_FOUND. Hints are warnings: the script is still valid Lua.

export type Diagnostic = ChannelOutput<'scripts.check'>[number];

const maxColumnAttempts = 32;

export const helperNames = ['log', 'hash', 'now', 'env', 'matches', 'fetch', 'secret'] as const;

/**
 * The column of a syntax error, when Lua names the token it stopped at (`near 'x'`); `near <eof>`
 * and messages without a token name no place, so there is none. The token may occur more than
 * once on the line (`local x = = 1`): the one Lua stopped at is the last occurrence before which
 * the text still compiles, or fails only for ending early.
 */
export async function syntaxErrorColumn(source: string, line: number, message: string): Promise<number | undefined> {
  const near = /near '(.+)'$/s.exec(message)?.[1];
  if (near === undefined) return undefined;
  const token = near.split('\n')[0] ?? near;
  let lineStart = 0;
  for (let l = 1; l < line; l++) {
    const next = source.indexOf('\n', lineStart);
    if (next === -1) return undefined;
    lineStart = next + 1;
  }
  const lineEnd = source.indexOf('\n', lineStart);
  const text = source.slice(lineStart, lineEnd === -1 ? source.length : lineEnd);
  let column: number | undefined;
  let attempts = 0;
  for (let at = text.indexOf(token); at !== -1; at = text.indexOf(token, at + 1)) {
    // Each attempt compiles the text again: a line of a thousand `=` gets no column, not a stall.
    if (++attempts > maxColumnAttempts) return undefined;
    const before = await checkLuaSyntax(source.slice(0, lineStart + at));
    if (before && !/near <eof>$/.test(before.message)) break;
    column = at + 1;
  }
  return column;
}

export async function checkScript(source: string, declaredSecrets: readonly string[]): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const bytes = utf8ByteLength(source);
  if (bytes > defaultLimits.maxSourceBytes) {
    diagnostics.push({
      severity: 'error',
      code: 'SCRIPT_TOO_LARGE',
      message: `The script is ${bytes} bytes; at most ${defaultLimits.maxSourceBytes} (5 KB) are allowed.`,
    });
  }
  const syntax = await checkLuaSyntax(source);
  if (syntax) {
    const diagnostic: Diagnostic = { severity: 'error', code: syntax.code, message: syntax.message };
    if (syntax.line !== undefined) {
      diagnostic.line = syntax.line;
      const column = await syntaxErrorColumn(source, syntax.line, syntax.message);
      if (column !== undefined) diagnostic.column = column;
    }
    diagnostics.push(diagnostic);
  }
  const references = findHelperReferences(source);
  const known: readonly string[] = helperNames;
  for (const helper of references.helpers) {
    if (known.includes(helper.name)) continue;
    diagnostics.push({
      severity: 'warning',
      code: 'UNKNOWN_HELPER',
      message: `helpers.${helper.name} does not exist; the helpers are ${helperNames.join(', ')}.`,
      line: helper.line,
      column: helper.column,
    });
  }
  for (const secret of references.secrets) {
    if (declaredSecrets.includes(secret.name)) continue;
    diagnostics.push({
      severity: 'warning',
      code: 'UNDECLARED_SECRET',
      message:
        `Secret "${secret.name}" is not declared by the pipeline, so helpers.secret will answer SECRET_NOT_FOUND; ` +
        'set it on the Secrets page to declare it.',
      line: secret.line,
      column: secret.column,
    });
  }
  return diagnostics;
}

/** What scripts.check uses: the workspace (for the declared secret names). */
export interface ScriptCheckDeps {
  workspace(): Workspace;
}

export function scriptCheckHandlers(deps: ScriptCheckDeps): Pick<Handlers, 'scripts.check'> {
  return {
    'scripts.check': ({ source }) => checkScript(source, deps.workspace().pipeline.secrets()),
  };
}
