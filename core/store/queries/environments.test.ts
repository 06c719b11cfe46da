import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs';
import { openTestWorkspace } from '../testing/workspace-harness';
import type { Workspace } from '../workspace';

const tempDir = useTempDirs();
let workspace: Workspace;
afterEach(() => workspace?.close());

describe('environments', () => {
  it('start with staging and production', () => {
    workspace = openTestWorkspace(tempDir());
    expect(workspace.environments.list().map((e) => e.name)).toEqual(['staging', 'production']);
  });

  it('are created, configured and deleted', () => {
    workspace = openTestWorkspace(tempDir());
    const created = workspace.environments.create('eu-west', { runtimeUrl: 'https://auth.example.com/hooks' });
    expect(created).toMatchObject({ name: 'eu-west', runtimeUrl: 'https://auth.example.com/hooks' });
    expect(() => workspace.environments.create('eu-west')).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(workspace.environments.setRuntimeUrl('eu-west', null).runtimeUrl).toBeUndefined();
    expect(workspace.environments.list().map((e) => e.name)).toEqual(['staging', 'production', 'eu-west']);
    expect(workspace.environments.delete('eu-west')).toBe(true);
    expect(workspace.environments.get('eu-west')).toBeUndefined();
  });

  it('refuse names that do not fit a keychain service name, and URLs with credentials', () => {
    workspace = openTestWorkspace(tempDir());
    for (const name of ['Prod', 'a/b', 'x y', '']) {
      expect(() => workspace.environments.create(name)).toThrow(expect.objectContaining({ code: 'INVALID' }));
    }
    expect(() => workspace.environments.setRuntimeUrl('staging', 'ftp://x')).toThrow(/https:\/\//);
    expect(() => workspace.environments.setRuntimeUrl('staging', 'https://u:p@x.example')).toThrow(
      /user name or password/,
    );
    expect(() => workspace.environments.setRuntimeUrl('nowhere', 'https://x.example')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });
});
