import { ContractError, type ChannelOutput } from '../../shared/contract';
import { defaultLimits, utf8ByteLength } from '../../shared/engine';
import { hookIds, type HookId } from '../../shared/hooks';
import type { Script, ScriptSettingsPatch, ScriptVersionSummary, Workspace } from '../store';
import type { Handlers } from '../router';
import { secretsUsedBy } from './lua-scan';
import { templateSource } from './templates';

// The scripts channels: a script's immutable versions and its settings. The store does the
// versioning (identical text creates nothing); what is checked here is what the UI must hear about
// in its own words: an id already taken, a script that does not exist, text over 5 KB.

type ScriptChannel =
  | 'scripts.list'
  | 'scripts.create'
  | 'scripts.get'
  | 'scripts.save'
  | 'scripts.updateSettings'
  | 'scripts.versions'
  | 'scripts.restore';

type ScriptSummary = ChannelOutput<'scripts.list'>[number];
type VersionSummary = ScriptSummary['latest'];

export function toVersionSummary(version: ScriptVersionSummary): VersionSummary {
  return {
    version: version.version,
    contentHash: version.contentHash,
    message: version.message,
    createdAt: version.createdAt,
  };
}

/** Hooks whose layers hold each script. */
export function hooksByScript(workspace: Workspace): Map<string, HookId[]> {
  const map = new Map<string, HookId[]>();
  const layout = workspace.pipeline.hooks();
  for (const hook of hookIds) {
    for (const id of new Set((layout[hook] ?? []).flat())) map.set(id, [...(map.get(id) ?? []), hook]);
  }
  return map;
}

export function toScriptSummary(workspace: Workspace, script: Script, hooks: Map<string, HookId[]>): ScriptSummary {
  const summary: ScriptSummary = {
    id: script.id,
    latest: toVersionSummary(script.latest),
    hooks: hooks.get(script.id) ?? [],
    secretsUsed: secretsUsedBy(workspace.scripts.latest(script.id)?.source ?? ''),
  };
  if (script.description !== undefined) summary.description = script.description;
  if (script.timeoutMs !== undefined) summary.timeoutMs = script.timeoutMs;
  if (script.onError !== undefined) summary.onError = script.onError;
  return summary;
}

function requireScript(workspace: Workspace, id: string): Script {
  const script = workspace.scripts.get(id);
  if (!script) throw new ContractError('NOT_FOUND', `There is no script "${id}".`);
  return script;
}

function checkSize(source: string): void {
  const bytes = utf8ByteLength(source);
  if (bytes > defaultLimits.maxSourceBytes) {
    throw new ContractError(
      'SCRIPT_TOO_LARGE',
      `The script is ${bytes} bytes (UTF-8); at most ${defaultLimits.maxSourceBytes} (5 KB) are allowed. Nothing was saved.`,
    );
  }
}

/** What the script channels use: the workspace, opened on first use. */
export interface ScriptDeps {
  workspace(): Workspace;
}

export function scriptHandlers(deps: ScriptDeps): Pick<Handlers, ScriptChannel> {
  const summaryOf = (id: string) => {
    const workspace = deps.workspace();
    return toScriptSummary(workspace, requireScript(workspace, id), hooksByScript(workspace));
  };

  return {
    'scripts.list': () => {
      const workspace = deps.workspace();
      const hooks = hooksByScript(workspace);
      return workspace.scripts.list().map((script) => toScriptSummary(workspace, script, hooks));
    },

    'scripts.create': ({ id, template, description }) => {
      const workspace = deps.workspace();
      workspace.transaction(() => {
        // The store's save() would add a version to an existing script; creating must not.
        const existing = workspace.scripts.get(id);
        if (existing) {
          const archived = existing.archived ? ' (archived)' : '';
          throw new ContractError('CONFLICT', `Script "${existing.id}"${archived} already exists.`);
        }
        const settings: ScriptSettingsPatch = description ? { description } : {};
        workspace.scripts.save(id, templateSource(template), {
          message: `Created from the ${template} template`,
          settings,
        });
      });
      return summaryOf(id);
    },

    'scripts.get': ({ id, version }) => {
      const workspace = deps.workspace();
      const script = requireScript(workspace, id);
      const chosen = version === undefined ? workspace.scripts.latest(id) : workspace.scripts.version(id, version);
      if (!chosen) throw new ContractError('NOT_FOUND', `Script "${id}" has no version ${version}.`);
      return {
        ...toScriptSummary(workspace, script, hooksByScript(workspace)),
        source: chosen.source,
        version: chosen.version,
      };
    },

    'scripts.save': ({ id, source, message }) => {
      const workspace = deps.workspace();
      checkSize(source);
      return workspace.transaction(() => {
        requireScript(workspace, id);
        const saved = workspace.scripts.save(id, source, message === undefined ? {} : { message });
        return { version: toVersionSummary(saved.version), created: saved.created };
      });
    },

    'scripts.updateSettings': ({ id, description, timeoutMs, onError }) => {
      const workspace = deps.workspace();
      const patch: ScriptSettingsPatch = {};
      if (description !== undefined) patch.description = description;
      if (timeoutMs !== undefined) patch.timeoutMs = timeoutMs;
      if (onError !== undefined) patch.onError = onError;
      requireScript(workspace, id);
      workspace.scripts.updateSettings(id, patch);
      return summaryOf(id);
    },

    'scripts.versions': ({ id }) => {
      const workspace = deps.workspace();
      requireScript(workspace, id);
      return workspace.scripts.versions(id).map(toVersionSummary);
    },

    'scripts.restore': ({ id, version }) => {
      const workspace = deps.workspace();
      return workspace.transaction(() => {
        requireScript(workspace, id);
        const old = workspace.scripts.version(id, version);
        if (!old) throw new ContractError('NOT_FOUND', `Script "${id}" has no version ${version}.`);
        const saved = workspace.scripts.save(id, old.source, { message: `Restored version ${version}` });
        return { version: toVersionSummary(saved.version), created: saved.created };
      });
    },
  };
}
