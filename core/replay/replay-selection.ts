import { ContractError } from '../../shared/contract';
import { BundleInvalidError, planHook, type Bundle } from '../../shared/engine';
import { bundleHash, scriptHash } from '../../shared/engine/node/bundle-files';
import type { HookId } from '../../shared/hooks';
import type { StoredEvent, Workspace } from '../store';

// What a replay replays, decided before any run row exists: the events of the selection and the
// pipeline they go through, planned for every hook among them. Anything that cannot be replayed
// is refused here with the contract's code, so that a refused start leaves nothing in the store.

export type ReplaySelection =
  | { kind: 'events'; ids: string[] }
  | { kind: 'pinned' }
  | { kind: 'filter'; filter: Parameters<Workspace['events']['list']>[0] };

/** The selected events: ids in the order given (each once), pinned or filtered in import order. */
export function selectEvents(workspace: Workspace, selection: ReplaySelection): StoredEvent[] {
  switch (selection.kind) {
    case 'events': {
      const { events, missing } = workspace.events.getMany(selection.ids);
      if (missing.length > 0) {
        const named = missing
          .slice(0, 5)
          .map((id) => `"${id}"`)
          .join(', ');
        const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
        throw new ContractError('NOT_FOUND', `The library has no event ${named}${more}.`);
      }
      return events;
    }
    case 'pinned':
      return workspace.events.pinned();
    case 'filter':
      return workspace.events.list({ ...selection.filter, limit: null, offset: 0 });
  }
}

export function nothingMessage(selection: ReplaySelection): string {
  if (selection.kind === 'pinned')
    return 'No event is pinned: pin events in the library to build the regression suite.';
  return 'No event of the library matches this filter.';
}

/**
 * The bundle a run replays through (the one given, else the workspace's current pipeline) and its
 * hash, planned for every hook of `hooks`: PIPELINE_INVALID if it cannot be.
 */
export function plannedBundle(
  bundle: Bundle | (() => Bundle),
  hooks: Iterable<HookId>,
): { bundle: Bundle; hash: string } {
  try {
    const chosen = typeof bundle === 'function' ? bundle() : bundle;
    const hash = bundleHash(chosen);
    for (const hook of new Set(hooks)) planHook(chosen, hook, { bundleHash: hash, scriptHashes: scriptHash });
    return { bundle: chosen, hash };
  } catch (error) {
    if (error instanceof BundleInvalidError) throw new ContractError('PIPELINE_INVALID', error.message);
    throw error;
  }
}
