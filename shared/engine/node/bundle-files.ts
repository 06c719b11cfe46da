import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hookIds } from '../../hooks/definitions';
import {
  BundleInvalidError,
  bundleFormat,
  canonicalBundle,
  canonicalJson,
  describeProblems,
  isSafeScriptPath,
  validateBundle,
  type Bundle,
  type BundleProblem,
  type BundleScript,
  type PipelineInvalid,
} from '../bundle';
import { defaultLimits } from '../limits';
import { formatJsonPath, isPlainObject, type JsonPath } from '../merge';

// Bundle folders on disk (docs/formats.md): pipeline.json + the scripts' .lua files, read into the
// inlined form and written back for export. Decided here:
// - a script file is read only if its path stays inside the folder after resolving symbolic links
//   (a bundle must not be able to pull /etc/passwd into a publish);
// - script text must be UTF-8 (decodeScriptText); a leading BOM is dropped and CRLF line ends
//   become LF, so that a checkout on Windows and on Linux has the same content hash;
// - duplicate keys in pipeline.json (JSON.parse would silently keep the last) are problems;
// - export writes the scripts first and pipeline.json last (through a temporary file and a rename),
//   so a reader never sees a manifest that names files not yet written; it never deletes files.

export type BundleFolderRead = { ok: true; bundle: Bundle; hash: string } | { ok: false; error: PipelineInvalid };

const manifestName = 'pipeline.json';
/** Files far above the 5 KB limit are not read whole; the size is enough to report them. */
const maxScriptFileBytes = 64 * 1024;

export async function readBundleFolder(dir: string): Promise<BundleFolderRead> {
  const problems: BundleProblem[] = [];
  const fail = (): BundleFolderRead => ({
    ok: false,
    error: { code: 'PIPELINE_INVALID', message: describeProblems(problems), problems },
  });

  let text: string;
  try {
    text = await readFile(path.join(dir, manifestName), 'utf8');
  } catch (error) {
    problems.push({ where: manifestName, message: describeFsError(error, dir) });
    return fail();
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const scan = scanJson(text);
  if (scan.error) {
    const { line, column } = lineAndColumn(text, scan.error.offset);
    problems.push({ where: `${manifestName}:${line}:${column}`, message: `bad JSON: ${scan.error.message}` });
    return fail();
  }
  for (const duplicate of scan.duplicates) {
    const isScriptId = duplicate.path.length === 1 && duplicate.path[0] === 'scripts';
    problems.push({
      where: `${manifestName}:${lineAndColumn(text, duplicate.offset).line}`,
      message: isScriptId
        ? `duplicate script id "${duplicate.key}"`
        : `duplicate key "${duplicate.key}" in ${formatJsonPath(duplicate.path) || 'the top level'}`,
    });
  }
  const manifest: unknown = JSON.parse(text);

  const inlined = new Set<string>();
  let candidate: unknown = manifest;
  if (isPlainObject(manifest) && isPlainObject(manifest.scripts)) {
    const root = await realpath(dir);
    const scripts: Record<string, unknown> = {};
    for (const [id, entry] of Object.entries(manifest.scripts)) {
      if (!isPlainObject(entry)) {
        scripts[id] = entry;
        continue;
      }
      const { source, ...rest } = entry;
      if (source !== undefined) {
        problems.push({
          where: formatJsonPath(['scripts', id, 'source']),
          message: 'a script’s text belongs in its file, not in pipeline.json',
        });
      }
      scripts[id] = rest;
      if (typeof rest.file !== 'string' || !isSafeScriptPath(rest.file)) continue;
      const read = await readScriptFile(root, rest.file);
      if ('problem' in read)
        problems.push({
          where: read.line === undefined ? rest.file : `${rest.file}:${read.line}`,
          message: `${read.problem} (the file of script "${id}")`,
        });
      else {
        scripts[id] = { ...rest, source: read.source };
        inlined.add(id);
      }
    }
    candidate = { ...manifest, scripts };
  }

  const validation = validateBundle(candidate);
  if (!validation.ok) {
    // A script without text already has its reason above (file problem, bad or missing `file`).
    const scriptsWithoutSource =
      isPlainObject(manifest) && isPlainObject(manifest.scripts) ? Object.keys(manifest.scripts) : [];
    const redundant = new Set(
      scriptsWithoutSource.filter((id) => !inlined.has(id)).map((id) => formatJsonPath(['scripts', id, 'source'])),
    );
    problems.push(...validation.error.problems.filter((problem) => !redundant.has(problem.where)));
  }
  if (problems.length > 0 || !validation.ok) return fail();
  return { ok: true, bundle: validation.bundle, hash: bundleHash(validation.bundle) };
}

async function readScriptFile(
  root: string,
  file: string,
): Promise<{ source: string } | { problem: string; line?: number }> {
  let resolved: string;
  try {
    resolved = await realpath(path.join(root, file));
  } catch (error) {
    return { problem: describeFsError(error) };
  }
  if (!resolved.startsWith(root + path.sep)) return { problem: 'leaves the bundle folder through a symbolic link' };
  try {
    const info = await stat(resolved);
    if (!info.isFile()) return { problem: 'is not a file' };
    if (info.size > maxScriptFileBytes)
      return { problem: `is ${info.size} bytes; a script may have at most ${defaultLimits.maxSourceBytes} (5 KB)` };
    return decodeScriptText(await readFile(resolved));
  } catch (error) {
    return { problem: describeFsError(error) };
  }
}

/**
 * The text of a script file's bytes: UTF-8, a leading BOM dropped, CRLF line ends made LF.
 * Bytes that are not UTF-8 are refused with the line and the byte rather than kept: a script's
 * source travels as a JS string (the studio's database, bundle JSON, the runtime), where they
 * would silently become replacement characters and Lua would see other bytes than the file's
 * (docs/engine.md, Sandbox). Lua's \ddd and \xXX escapes write any byte in a string.
 */
export function decodeScriptText(bytes: Uint8Array): { source: string } | { problem: string; line: number } {
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    let line = 1;
    for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) line++;
    const byte = (bytes[bad] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    return {
      line,
      problem: `the file is not valid UTF-8 (byte 0x${byte}); save it as UTF-8, or write such bytes in strings as \\ddd or \\xXX escapes`,
    };
  }
  return { source: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/\r\n/g, '\n') };
}

/**
 * Offset of the first byte of the first sequence that is not well-formed UTF-8 (the rules of
 * TextDecoder's fatal mode: no overlong forms, no surrogates, nothing past U+10FFFF), or -1.
 */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return -1;
}

function describeFsError(error: unknown, dir?: string): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'ENOENT') return dir ? `not found in ${dir}` : 'not found';
  if (code === 'ENOTDIR') return 'not found (a parent is not a folder)';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return `unreadable: ${error instanceof Error ? error.message : String(error)}`;
}

/** SHA-256 (hex) of the canonical JSON of the inlined bundle: its version identity (docs/formats.md). */
export function bundleHash(bundle: Bundle): string {
  return sha256(canonicalJson(canonicalBundle(bundle)));
}

/** SHA-256 (hex) of a script's text in UTF-8: the contentHash of traces and versions. */
export function scriptHash(source: string): string {
  return sha256(source);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * pipeline.json for export: the key order of docs/formats.md at the top, scripts by id, hooks in
 * lifecycle order, env by name; two-space indent and a final newline so that exports diff cleanly
 * in git.
 */
export function manifestJson(bundle: Bundle): string {
  const scripts: Record<string, BundleScript> = {};
  for (const id of Object.keys(bundle.scripts).sort()) {
    const script = bundle.scripts[id] as Bundle['scripts'][string];
    const entry: BundleScript = { file: script.file };
    if (script.description !== undefined) entry.description = script.description;
    if (script.timeoutMs !== undefined) entry.timeoutMs = script.timeoutMs;
    if (script.onError !== undefined) entry.onError = script.onError;
    scripts[id] = entry;
  }
  const hooks: Bundle['hooks'] = {};
  for (const hook of hookIds) {
    const entry = bundle.hooks[hook];
    if (entry) hooks[hook] = { layers: entry.layers };
  }
  const env: Record<string, string> = {};
  for (const name of Object.keys(bundle.env).sort()) env[name] = bundle.env[name] as string;
  const manifest = { format: bundleFormat, name: bundle.name, scripts, hooks, env, secrets: bundle.secrets };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Writes a valid bundle as a folder; throws BundleInvalidError for an invalid one. */
export async function writeBundleFolder(dir: string, bundle: Bundle): Promise<void> {
  const validation = validateBundle(bundle);
  if (!validation.ok) throw new BundleInvalidError(validation.error.problems);
  await mkdir(dir, { recursive: true });
  const root = path.resolve(dir);
  const written = new Set<string>();
  for (const script of Object.values(validation.bundle.scripts)) {
    if (written.has(script.file)) continue;
    written.add(script.file);
    const target = path.resolve(root, script.file);
    if (!target.startsWith(root + path.sep)) throw new Error(`refusing to write ${script.file} outside ${dir}`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, script.source, 'utf8');
  }
  const temporary = path.join(root, `.${manifestName}.${process.pid}.tmp`);
  await writeFile(temporary, manifestJson(validation.bundle), 'utf8');
  await rename(temporary, path.join(root, manifestName));
}

// ---- A strict JSON scanner: JSON.parse gives no position for some errors and keeps only the last
// of duplicate keys, and pipeline.json is hand-edited.

interface JsonScan {
  error?: { offset: number; message: string };
  duplicates: { path: JsonPath; key: string; offset: number }[];
}

class ScanError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export function scanJson(text: string): JsonScan {
  const duplicates: JsonScan['duplicates'] = [];
  let i = 0;
  const fail = (message: string): never => {
    throw new ScanError(i, i >= text.length ? 'unexpected end of the file' : message);
  };
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const expect = (char: string, what: string) => {
    skipSpace();
    if (text[i] !== char) fail(`expected ${what}, found ${JSON.stringify(text[i] ?? '')}`);
    i++;
  };
  const string = (): string => {
    const start = i++;
    for (;;) {
      const char = text[i];
      if (char === undefined) fail('unterminated string');
      if (char === '"') break;
      if (char === '\\') {
        const escape = text[i + 1] ?? '';
        if (escape === 'u' ? !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)) : !'"\\/bfnrt'.includes(escape)) {
          fail('invalid escape in string');
        }
        i += escape === 'u' ? 6 : 2;
      } else if ((char as string).charCodeAt(0) < 0x20) {
        fail('a line break or control character inside a string');
      } else i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (at: JsonPath): void => {
    skipSpace();
    const char = text[i];
    if (char === '{') {
      i++;
      const keys = new Set<string>();
      skipSpace();
      if (text[i] === '}') return void i++;
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${JSON.stringify(text[i])}`);
        const keyOffset = i;
        const key = string();
        if (keys.has(key)) duplicates.push({ path: at, key, offset: keyOffset });
        keys.add(key);
        expect(':', '":"');
        value([...at, key]);
        skipSpace();
        if (text[i] === ',') i++;
        else return expect('}', '"," or "}"');
      }
    }
    if (char === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') return void i++;
      for (let index = 0; ; index++) {
        value([...at, index]);
        skipSpace();
        if (text[i] === ',') i++;
        else return expect(']', '"," or "]"');
      }
    }
    if (char === '"') return void string();
    const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
    literal.lastIndex = i;
    if (!literal.test(text)) fail(`unexpected ${JSON.stringify(char)}`);
    i = literal.lastIndex;
  };
  try {
    value([]);
    skipSpace();
    if (i < text.length) fail('unexpected text after the end of the JSON value');
    return { duplicates };
  } catch (error) {
    if (error instanceof ScanError) return { error: { offset: error.offset, message: error.message }, duplicates };
    throw error;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
