import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs';
import { openTestWorkspace } from '../testing/workspace-harness';
import type { Workspace } from '../workspace';

const tempDir = useTempDirs();
let workspace: Workspace;
afterEach(() => workspace?.close());

describe('secret names', () => {
  it('are kept per environment, sorted, without duplicates', () => {
    workspace = openTestWorkspace(tempDir());
    workspace.secretNames.add('staging', 'IPQS_API_KEY');
    workspace.secretNames.add('staging', 'A_KEY');
    workspace.secretNames.add('staging', 'A_KEY');
    workspace.secretNames.add('production', 'IPQS_API_KEY');
    expect(workspace.secretNames.list('staging')).toEqual(['A_KEY', 'IPQS_API_KEY']);
    expect(workspace.secretNames.has('production', 'A_KEY')).toBe(false);
    expect(workspace.secretNames.all()).toEqual({ staging: ['A_KEY', 'IPQS_API_KEY'], production: ['IPQS_API_KEY'] });
    expect(workspace.secretNames.remove('staging', 'A_KEY')).toBe(true);
    expect(workspace.secretNames.remove('staging', 'A_KEY')).toBe(false);
  });

  it('refuse bad names and unknown environments, and leave with their environment', () => {
    workspace = openTestWorkspace(tempDir());
    expect(() => workspace.secretNames.add('staging', 'lower-case')).toThrow(
      expect.objectContaining({ code: 'INVALID' }),
    );
    expect(() => workspace.secretNames.add('nowhere', 'KEY')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => workspace.secretNames.list('nowhere')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    workspace.environments.create('dev');
    workspace.secretNames.add('dev', 'KEY');
    workspace.environments.delete('dev');
    expect(workspace.secretNames.all()).toEqual({ staging: [], production: [] });
  });
});
