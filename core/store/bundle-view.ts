import { BundleInvalidError, bundleFormat, validateBundle, type Bundle, type InlinedScript } from '../../shared/engine';
import type { HookId } from '../../shared/hooks';
import type { PipelineQueries } from './queries/pipeline';
import type { ScriptQueries, ScriptSettingsPatch } from './queries/scripts';

// The workspace seen as a bundle (docs/formats.md): what `export` writes and `import` reads. Export
// takes each active script's latest version; import makes the workspace match the bundle: a
// script whose text changed gets a new version, an identical one gets none, and scripts the
// bundle does not have are archived (kept with their versions, out of the pipeline and of the
// next export). So exporting and importing again changes nothing, and importing a bundle into a
// fresh workspace then exporting gives the same bundle back.

export interface BundleViewParts {
  scripts: ScriptQueries;
  pipeline: PipelineQueries;
  name(): string;
  rename(name: string): void;
  transaction<T>(fn: () => T): T;
}

export interface BundleImport {
  /** Scripts the workspace did not have. */
  created: string[];
  /** Scripts that got a new version. */
  updated: string[];
  unchanged: string[];
  /** Scripts the bundle does not have, now archived. */
  archived: string[];
}

/** The bundle of the workspace as it is now. It is not validated: publishing does that. */
export function exportBundle(parts: BundleViewParts): Bundle {
  const scripts: Record<string, InlinedScript> = {};
  for (const script of parts.scripts.list()) {
    const entry: InlinedScript = { file: script.file, source: parts.scripts.latest(script.id)?.source ?? '' };
    if (script.description !== undefined) entry.description = script.description;
    if (script.timeoutMs !== undefined) entry.timeoutMs = script.timeoutMs;
    if (script.onError !== undefined) entry.onError = script.onError;
    scripts[script.id] = entry;
  }
  const hooks: Bundle['hooks'] = {};
  for (const [hook, layers] of Object.entries(parts.pipeline.hooks()) as [HookId, string[][]][]) {
    hooks[hook] = { layers };
  }
  return {
    format: bundleFormat,
    name: parts.name(),
    scripts,
    hooks,
    env: parts.pipeline.env(),
    secrets: parts.pipeline.secrets(),
  };
}

/** Validates `input` as a bundle (BundleInvalidError naming each problem) and makes it the workspace. */
export function importBundle(parts: BundleViewParts, input: unknown, options: { message?: string } = {}): BundleImport {
  const validation = validateBundle(input);
  if (!validation.ok) throw new BundleInvalidError(validation.error.problems);
  const bundle = validation.bundle;
  const message = options.message ?? `Imported from bundle "${bundle.name}"`;
  const result: BundleImport = { created: [], updated: [], unchanged: [], archived: [] };

  parts.transaction(() => {
    parts.rename(bundle.name);
    // Steps go first: archiving a script that a hook still uses is refused.
    parts.pipeline.setHooks({});
    for (const script of parts.scripts.list()) {
      if (!Object.prototype.hasOwnProperty.call(bundle.scripts, script.id)) {
        parts.scripts.archive(script.id);
        result.archived.push(script.id);
      }
    }
    for (const [id, script] of Object.entries(bundle.scripts)) {
      const before = parts.scripts.get(id);
      // A script revived from the archive counts as created: it was not in the workspace.
      const existed = before !== undefined && !before.archived;
      const settings: ScriptSettingsPatch = {
        file: script.file,
        description: script.description ?? null,
        timeoutMs: script.timeoutMs ?? null,
        onError: script.onError ?? null,
      };
      const saved = parts.scripts.save(id, script.source, { message, settings });
      if (!existed) result.created.push(id);
      else if (saved.created) result.updated.push(id);
      else result.unchanged.push(id);
    }
    const hooks: Partial<Record<HookId, string[][]>> = {};
    for (const [hook, entry] of Object.entries(bundle.hooks) as [HookId, { layers: string[][] } | undefined][]) {
      if (entry && entry.layers.length > 0) hooks[hook] = entry.layers;
    }
    parts.pipeline.setHooks(hooks);
    parts.pipeline.setEnv(bundle.env);
    parts.pipeline.setSecrets(bundle.secrets);
  });
  return result;
}
