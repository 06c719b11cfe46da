import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { decodeScriptText } from '../shared/engine/node/bundle-files';
import { isHookId, type HookId } from '../shared/hooks';
import { UsageError } from './usage-error';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, with its errors turned into one-line usage errors (exit 2). */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O, positionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: positionals > 0, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`${command}: unexpected argument '${parsed.positionals[positionals]}'`);
  }
  return parsed;
}

export function requireHook(command: string, value: string | undefined, flag = '--hook'): HookId {
  if (value === undefined) throw new UsageError(`${command}: ${flag} <id> is required`);
  if (!isHookId(value)) throw new UsageError(`${command}: unknown hook '${value}' (see docs/hooks.md for the 16 ids)`);
  return value;
}

/** `K=V` pairs of repeated flags such as --env and --secret. */
export function keyValues(command: string, flag: string, values: string[] | undefined): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const item of values ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`${command}: ${flag} takes NAME=VALUE, got '${item.split('=')[0]}…'`);
    pairs[item.slice(0, at)] = item.slice(at + 1);
  }
  return pairs;
}

export function positiveInteger(
  command: string,
  flag: string,
  value: string | undefined,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) {
    throw new UsageError(`${command}: ${flag} must be a whole number from 1 to ${max}, got '${value}'`);
  }
  return number;
}

async function readInputFile(command: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (code ?? 'unreadable');
    throw new UsageError(`${command}: cannot read ${file}: ${why}`);
  }
}

export async function readTextFile(command: string, file: string): Promise<string> {
  return (await readInputFile(command, file)).toString('utf8');
}

/**
 * A Lua script file's text, decoded as a bundle folder's scripts are (decodeScriptText): bytes
 * that are not UTF-8 are refused with the line instead of silently becoming U+FFFD; a leading BOM
 * is dropped and CRLF becomes LF.
 */
export async function readScriptFile(command: string, file: string): Promise<string> {
  const decoded = decodeScriptText(await readInputFile(command, file));
  if ('problem' in decoded) throw new UsageError(`${command}: ${file}:${decoded.line}: ${decoded.problem}`);
  return decoded.source;
}

/** JSON.parse with the position turned into line:column for the one-line reason. */
export function parseJsonFile(command: string, file: string, text: string): unknown {
  try {
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    if (position) {
      const before = text.slice(0, Number(position[1]));
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      throw new UsageError(
        `${command}: ${file}:${line}:${column}: invalid JSON (${message.replace(/ in JSON at.*$/, '')})`,
      );
    }
    throw new UsageError(`${command}: ${file}: invalid JSON (${message})`);
  }
}
