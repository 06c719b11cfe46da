import { z } from 'zod';
import { isHookId, type HookId } from '../hooks/definitions';
import { defaultLimits, maxLayersPerHook, maxScriptsPerLayer, maxTimeoutMs } from './limits';
import { formatJsonPath, isPlainObject, type JsonPath } from './merge';
import type { OnError } from './types';

// The pipeline bundle of docs/formats.md. On disk it is pipeline.json plus one .lua file per script
// (`BundleManifest`); in memory, over HTTP and for hashing, each script carries its `source`
// (`Bundle`). Rules decided here (docs/formats.md lists them with the rest):
// - script ids: 1–64 characters of [A-Za-z0-9_-], starting with a letter or digit; ids differing
//   only in case are duplicates (they name the same file on macOS and Windows);
// - a script's `file` is a relative path inside the bundle folder ending in `.lua` (no `..`, no
//   absolute or drive paths, no backslashes), since reading it must never leave the folder;
//   two ids may share a file only if their sources are the same;
// - secret names: 1–64 of [A-Z0-9_] starting with a letter (IPQS_API_KEY); env names: 1–64 of
//   [A-Za-z0-9_] not starting with a digit; env values are strings;
// - unknown keys are refused (a typo such as `timeout` would otherwise be silently ignored);
// - `env`, `secrets` and `hooks` may be left out; a hook entry with no layers is allowed.

export const bundleFormat = 'pipeline-studio/bundle@1';

export interface BundleScript {
  file: string;
  description?: string;
  timeoutMs?: number;
  onError?: OnError;
}
export interface InlinedScript extends BundleScript {
  source: string;
}
export interface HookLayers {
  /** Script ids; layers run in order, the scripts of a layer concurrently. */
  layers: string[][];
}
interface BundleCommon {
  format: typeof bundleFormat;
  name: string;
  hooks: Partial<Record<HookId, HookLayers>>;
  env: Record<string, string>;
  secrets: string[];
}
/** pipeline.json as written on disk. */
export interface BundleManifest extends BundleCommon {
  scripts: Record<string, BundleScript>;
}
/** The bundle with each script's text inlined: in memory, over HTTP, and what is hashed. */
export interface Bundle extends BundleCommon {
  scripts: Record<string, InlinedScript>;
}

export interface BundleProblem {
  /** Where in the bundle: a jq-like path (`hooks["signup.before"].layers[0]`) or a file name. */
  where: string;
  message: string;
}
export interface PipelineInvalid {
  code: 'PIPELINE_INVALID';
  message: string;
  problems: BundleProblem[];
}
export type BundleValidation = { ok: true; bundle: Bundle } | { ok: false; error: PipelineInvalid };

/** Thrown where a valid bundle is a precondition (planning, export). */
export class BundleInvalidError extends Error {
  readonly code = 'PIPELINE_INVALID';
  constructor(readonly problems: BundleProblem[]) {
    super(describeProblems(problems));
    this.name = 'BundleInvalidError';
  }
}

const missingSource = 'no source: the script file was not found or its text was not inlined';
const scriptFields = {
  file: z.string(),
  description: z.string().optional(),
  timeoutMs: z
    .number()
    .int('timeoutMs must be a whole number of milliseconds')
    .min(1, 'timeoutMs must be at least 1')
    .max(maxTimeoutMs, `timeoutMs may be at most ${maxTimeoutMs} (10 s)`)
    .optional(),
  onError: z.enum(['deny', 'allow'], 'onError must be "deny" or "allow"').optional(),
};
const commonFields = {
  format: z.literal(bundleFormat, `format must be "${bundleFormat}"`),
  name: z.string().min(1, 'name must not be empty').max(100, 'name may be at most 100 characters'),
  hooks: z.record(z.string(), z.strictObject({ layers: z.array(z.array(z.string())) })).default({}),
  env: z.record(z.string(), z.string()).default({}),
  secrets: z.array(z.string()).default([]),
};
/** The shape of pipeline.json; `validateBundle` adds the cross-checks (references, limits, names). */
export const bundleManifestSchema = z.strictObject({
  ...commonFields,
  scripts: z.record(z.string(), z.strictObject(scriptFields)),
});
/** The shape of the inlined bundle; `validateBundle` adds the cross-checks. */
export const bundleSchema = z.strictObject({
  ...commonFields,
  scripts: z.record(
    z.string(),
    z.strictObject({
      ...scriptFields,
      source: z.string({ error: (issue) => (issue.input === undefined ? missingSource : 'source must be text') }),
    }),
  ),
});

const scriptIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const secretNamePattern = /^[A-Z][A-Z0-9_]{0,63}$/;
const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function isValidScriptId(id: string): boolean {
  return scriptIdPattern.test(id);
}

/** A name a bundle may declare in `secrets` (the runtime's secret store takes the same names). */
export function isValidSecretName(name: string): boolean {
  return secretNamePattern.test(name);
}

/** A relative path that stays inside the bundle folder and names a .lua file. */
export function isSafeScriptPath(file: string): boolean {
  if (file.length === 0 || file.length > 200 || !file.endsWith('.lua')) return false;
  if (/[\\:]/.test(file) || file.startsWith('/') || [...file].some((c) => c.charCodeAt(0) < 0x20)) return false;
  return file.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** Size in UTF-8 bytes, the unit of the 5 KB limit (TextEncoder is not available everywhere). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    // Lone surrogates count as 3, as U+FFFD, which is what an encoder writes for them.
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * Checks a bundle (inlined form) and reports every problem at once, so that an admin fixes them in
 * one pass: the shape (zod) and the rules that need the whole bundle (docs/formats.md, "What makes
 * a bundle invalid").
 */
export function validateBundle(input: unknown): BundleValidation {
  const problems: BundleProblem[] = [];
  const parsed = bundleSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
      problems.push({
        where: formatJsonPath(issue.path as JsonPath) || '(bundle)',
        message: missing ? 'required field is missing' : issue.message,
      });
    }
  }
  // The cross-checks read the raw input defensively, so that they run even when the shape is wrong
  // somewhere else and every problem is reported together.
  if (isPlainObject(input)) {
    checkScripts(input.scripts, problems);
    checkHooks(input.hooks, isPlainObject(input.scripts) ? input.scripts : {}, problems);
    checkNames(input.secrets, input.env, problems);
  }
  if (problems.length > 0 || !parsed.success) {
    // Grouped by place (the sort is stable), so that all of one script's problems read together.
    problems.sort((a, b) => (a.where < b.where ? -1 : a.where > b.where ? 1 : 0));
    return { ok: false, error: { code: 'PIPELINE_INVALID', message: describeProblems(problems), problems } };
  }
  // The checks above guarantee that every hook key is a known hook id.
  return { ok: true, bundle: parsed.data as Bundle };
}

export function describeProblems(problems: readonly BundleProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return `PIPELINE_INVALID: ${count}: ${problems.map((p) => `${p.where}: ${p.message}`).join('; ')}`;
}

function checkScripts(scripts: unknown, problems: BundleProblem[]): void {
  if (!isPlainObject(scripts)) return;
  const byLowerId = new Map<string, string>();
  const byFile = new Map<string, { id: string; source: unknown }>();
  for (const [id, entry] of Object.entries(scripts)) {
    const where = formatJsonPath(['scripts', id]);
    if (!isValidScriptId(id)) {
      problems.push({
        where,
        message: `script id "${id}" must be 1–64 letters, digits, "-" or "_", starting with a letter or digit`,
      });
    }
    const clash = byLowerId.get(id.toLowerCase());
    if (clash !== undefined)
      problems.push({ where, message: `duplicate script id: "${id}" and "${clash}" differ only in case` });
    else byLowerId.set(id.toLowerCase(), id);
    if (!isPlainObject(entry)) continue;
    const { file, source } = entry;
    if (typeof file === 'string') {
      if (!isSafeScriptPath(file)) {
        problems.push({
          where: `${where}.file`,
          message: `"${file}" must be a relative path to a .lua file inside the bundle folder`,
        });
      }
      const sharer = byFile.get(file);
      if (sharer && typeof source === 'string' && typeof sharer.source === 'string' && sharer.source !== source) {
        problems.push({
          where: `${where}.file`,
          message: `"${file}" is also the file of script "${sharer.id}" with a different source`,
        });
      } else if (!sharer) byFile.set(file, { id, source });
    }
    if (typeof source === 'string') {
      const bytes = utf8ByteLength(source);
      if (bytes > defaultLimits.maxSourceBytes) {
        const name = typeof file === 'string' ? file : 'the source';
        problems.push({
          where,
          message: `${name} is ${bytes} bytes; a script may have at most ${defaultLimits.maxSourceBytes} (5 KB)`,
        });
      }
    }
  }
}

function checkHooks(hooks: unknown, scripts: Record<string, unknown>, problems: BundleProblem[]): void {
  if (!isPlainObject(hooks)) return;
  for (const [hook, entry] of Object.entries(hooks)) {
    const where: JsonPath = ['hooks', hook];
    if (!isHookId(hook)) problems.push({ where: formatJsonPath(where), message: `unknown hook "${hook}"` });
    const layers = isPlainObject(entry) ? entry.layers : undefined;
    if (!Array.isArray(layers)) continue;
    if (layers.length > maxLayersPerHook) {
      problems.push({
        where: formatJsonPath([...where, 'layers']),
        message: `${layers.length} layers; a hook may have at most ${maxLayersPerHook}`,
      });
    }
    const seen = new Map<string, string>();
    layers.forEach((layer, i) => {
      const layerWhere = formatJsonPath([...where, 'layers', i]);
      if (!Array.isArray(layer)) return;
      if (layer.length === 0)
        problems.push({
          where: layerWhere,
          message: `layer ${i + 1} is empty; a layer holds 1–${maxScriptsPerLayer} scripts`,
        });
      if (layer.length > maxScriptsPerLayer) {
        problems.push({
          where: layerWhere,
          message: `layer ${i + 1} has ${layer.length} scripts; a layer holds at most ${maxScriptsPerLayer}`,
        });
      }
      layer.forEach((id, j) => {
        if (typeof id !== 'string') return;
        const at = formatJsonPath([...where, 'layers', i, j]);
        if (!Object.prototype.hasOwnProperty.call(scripts, id)) {
          problems.push({ where: at, message: `script "${id}" is not defined in scripts` });
        }
        const first = seen.get(id);
        if (first !== undefined)
          problems.push({ where: at, message: `script "${id}" appears twice in this hook (first at ${first})` });
        else seen.set(id, at);
      });
    });
  }
}

function checkNames(secrets: unknown, env: unknown, problems: BundleProblem[]): void {
  if (Array.isArray(secrets)) {
    const seen = new Set<string>();
    secrets.forEach((name, i) => {
      if (typeof name !== 'string') return;
      const where = formatJsonPath(['secrets', i]);
      if (!secretNamePattern.test(name)) {
        problems.push({
          where,
          message: `secret name "${name}" must be 1–64 of A–Z, 0–9 and "_", starting with a letter`,
        });
      }
      if (seen.has(name)) problems.push({ where, message: `secret "${name}" is declared twice` });
      seen.add(name);
    });
  }
  if (isPlainObject(env)) {
    for (const name of Object.keys(env)) {
      if (!envNamePattern.test(name)) {
        problems.push({
          where: formatJsonPath(['env', name]),
          message: `variable name "${name}" must be 1–64 letters, digits or "_", not starting with a digit`,
        });
      }
    }
  }
}

/**
 * The bundle reduced to what defines its behaviour: known fields only, hooks without layers left
 * out (docs/formats.md: they may be), so that equivalent bundles have one content hash.
 */
export function canonicalBundle(bundle: Bundle): Bundle {
  const scripts: Record<string, InlinedScript> = {};
  for (const [id, s] of Object.entries(bundle.scripts)) {
    scripts[id] = { ...scriptEntry(s), source: s.source };
  }
  const hooks: Bundle['hooks'] = {};
  for (const [hook, entry] of Object.entries(bundle.hooks) as [HookId, HookLayers | undefined][]) {
    if (entry && entry.layers.length > 0) hooks[hook] = { layers: entry.layers.map((layer) => [...layer]) };
  }
  return {
    format: bundle.format,
    name: bundle.name,
    scripts,
    hooks,
    env: { ...bundle.env },
    secrets: [...bundle.secrets],
  };
}

/** pipeline.json's content: the bundle without the scripts' text. */
export function toManifest(bundle: Bundle): BundleManifest {
  const scripts: Record<string, BundleScript> = {};
  for (const [id, script] of Object.entries(bundle.scripts)) scripts[id] = scriptEntry(script);
  return { ...bundle, scripts };
}

/** A script's pipeline.json entry: its known fields, the optional ones only when set. */
function scriptEntry(script: BundleScript): BundleScript {
  const entry: BundleScript = { file: script.file };
  if (script.description !== undefined) entry.description = script.description;
  if (script.timeoutMs !== undefined) entry.timeoutMs = script.timeoutMs;
  if (script.onError !== undefined) entry.onError = script.onError;
  return entry;
}

/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785 does) and no whitespace: the
 * same data always gives the same text, whatever order its keys were built in. Undefined object
 * members are left out; values JSON cannot carry (functions, non-finite numbers, bigint) throw
 * rather than being silently changed, since two different values must not share a hash.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not JSON`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
}
