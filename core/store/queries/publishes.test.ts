import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs';
import { openTestWorkspace } from '../testing/workspace-harness';
import type { Workspace } from '../workspace';

const tempDir = useTempDirs();
let workspace: Workspace;
afterEach(() => workspace?.close());

describe('publish history', () => {
  it('numbers publishes per environment and moves its last published hash', () => {
    workspace = openTestWorkspace(tempDir());
    const first = workspace.publishes.record({ environment: 'staging', hash: 'h1', author: 'ada', message: 'first' });
    workspace.publishes.record({ environment: 'production', hash: 'h1', author: 'ada' });
    const second = workspace.publishes.record({
      environment: 'staging',
      hash: 'h2',
      author: 'grace',
      message: 'roles',
    });
    expect(first).toMatchObject({ environment: 'staging', version: 1, hash: 'h1', author: 'ada', message: 'first' });
    expect(second).toMatchObject({ version: 2, hash: 'h2' });
    expect(workspace.environments.get('staging')?.lastPublishedHash).toBe('h2');
    expect(workspace.environments.get('production')?.lastPublishedHash).toBe('h1');
    expect(workspace.publishes.list({ environment: 'staging' }).map((p) => p.version)).toEqual([2, 1]);
    expect(workspace.publishes.list().map((p) => p.environment)).toEqual(['staging', 'production', 'staging']);
    expect(workspace.publishes.latest('staging')?.hash).toBe('h2');
    expect(workspace.publishes.latest('nowhere')).toBeUndefined();
    expect(() => workspace.publishes.record({ environment: 'nowhere', hash: 'h', author: 'x' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });
});
