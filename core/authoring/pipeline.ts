import { ContractError, type ChannelOutput } from '../../shared/contract';
import { maxLayersPerHook, maxScriptsPerLayer } from '../../shared/engine';
import { hookIds, type HookId } from '../../shared/hooks';
import type { Workspace } from '../store';
import type { Handlers } from '../router';

// The pipeline channels: which scripts run at each hook, in which layers, and the pipeline's
// variables. The store refuses a bad arrangement at its first problem; the editor is told every
// problem at once, each with where it is, so that one answer is enough to fix a drag that went wrong.

type PipelineState = ChannelOutput<'pipeline.get'>;

export function pipelineState(workspace: Workspace): PipelineState {
  const layout = workspace.pipeline.hooks();
  const hooks = Object.fromEntries(hookIds.map((hook) => [hook, layout[hook] ?? []])) as Record<HookId, string[][]>;
  return { hooks, env: workspace.pipeline.env(), secrets: workspace.pipeline.secrets() };
}

/** Every reason `layers` cannot be `hook`'s pipeline, each naming the hook and the layer. */
export function layoutProblems(workspace: Workspace, hook: HookId, layers: readonly (readonly string[])[]): string[] {
  const problems: string[] = [];
  if (layers.length > maxLayersPerHook) {
    problems.push(`${hook}: ${layers.length} layers; a hook holds at most ${maxLayersPerHook}`);
  }
  const firstLayerOf = new Map<string, number>();
  layers.forEach((layer, i) => {
    const where = `${hook}, layer ${i + 1}`;
    if (layer.length > maxScriptsPerLayer) {
      problems.push(`${where}: ${layer.length} scripts; a layer holds 1 to ${maxScriptsPerLayer}`);
    }
    for (const id of layer) {
      const first = firstLayerOf.get(id);
      if (first !== undefined) {
        const also = first === i + 1 ? 'twice in this layer' : `already in layer ${first}`;
        problems.push(`${where}: script "${id}" is ${also}; a script runs at most once per hook`);
        continue;
      }
      firstLayerOf.set(id, i + 1);
      const script = workspace.scripts.get(id);
      if (!script) problems.push(`${where}: there is no script "${id}"`);
      else if (script.archived) problems.push(`${where}: script "${id}" is archived`);
    }
  });
  return problems;
}

/** What the pipeline channels use: the workspace, opened on first use. */
export interface PipelineDeps {
  workspace(): Workspace;
}

export function pipelineHandlers(
  deps: PipelineDeps,
): Pick<Handlers, 'pipeline.get' | 'pipeline.setLayers' | 'pipeline.setEnv'> {
  return {
    'pipeline.get': () => pipelineState(deps.workspace()),

    'pipeline.setLayers': ({ hook, layers }) => {
      const workspace = deps.workspace();
      // The editor sends what it shows, which may include a layer it just emptied by a drag.
      const kept = layers.filter((layer) => layer.length > 0);
      workspace.transaction(() => {
        const problems = layoutProblems(workspace, hook, kept);
        if (problems.length > 0) {
          throw new ContractError('PIPELINE_INVALID', `The pipeline was not changed: ${problems.join('; ')}.`);
        }
        workspace.pipeline.setLayers(hook, kept);
      });
      return pipelineState(workspace);
    },

    'pipeline.setEnv': ({ env }) => {
      const workspace = deps.workspace();
      workspace.pipeline.setEnv(env);
      return pipelineState(workspace);
    },
  };
}
