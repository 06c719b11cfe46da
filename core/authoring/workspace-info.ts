import type { Handlers } from '../router';
import type { Workspace } from '../store';

// Which workspace the studio has open, where, and which keychain holds its secret values: the
// settings page shows it, and an admin with two data folders can tell them apart.

/** What workspace.info uses: the workspace and the keychain's label. */
export interface WorkspaceInfoDeps {
  workspace(): Workspace;
  readonly keychainLabel: string;
}

export function workspaceInfoHandlers(deps: WorkspaceInfoDeps): Pick<Handlers, 'workspace.info'> {
  return {
    'workspace.info': () => {
      const workspace = deps.workspace();
      return { id: workspace.id, name: workspace.name, dir: workspace.dir, keychain: deps.keychainLabel };
    },
  };
}
