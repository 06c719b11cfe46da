import type { Handlers } from '../router';
import type { StudioServices } from './services';

// Which workspace the studio has open, where, and which keychain holds its secret values: the
// settings page shows it, and an admin with two data folders can tell them apart.

export function workspaceInfoHandlers(services: StudioServices): Pick<Handlers, 'workspace.info'> {
  return {
    'workspace.info': () => {
      const workspace = services.workspace();
      return { id: workspace.id, name: workspace.name, dir: workspace.dir, keychain: services.keychainLabel };
    },
  };
}
