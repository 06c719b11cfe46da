import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs';
import { openTestWorkspace } from '../testing/workspace-harness';
import type { Workspace } from '../workspace';

const tempDir = useTempDirs();
let workspace: Workspace;
afterEach(() => workspace?.close());

function openWithScripts(...ids: string[]): Workspace {
  workspace = openTestWorkspace(tempDir());
  for (const id of ids) workspace.scripts.save(id, `return "${id}"`);
  return workspace;
}

describe('pipeline', () => {
  it('keeps ordered layers per hook', () => {
    openWithScripts('a', 'b', 'c');
    workspace.pipeline.setLayers('signup.before', [['b', 'a'], ['c']]);
    workspace.pipeline.setLayers('token.enrich', [['a']]);
    expect(workspace.pipeline.layers('signup.before')).toEqual([['b', 'a'], ['c']]);
    expect(workspace.pipeline.hooks()).toEqual({ 'signup.before': [['b', 'a'], ['c']], 'token.enrich': [['a']] });
    workspace.pipeline.setLayers('signup.before', [['c']]);
    expect(workspace.pipeline.layers('signup.before')).toEqual([['c']]);
    workspace.pipeline.setLayers('signup.before', []);
    expect(workspace.pipeline.hooks()).toEqual({ 'token.enrich': [['a']] });
  });

  it('enforces the pipeline rules of docs/formats.md and leaves the hook as it was when refused', () => {
    openWithScripts('a', 'b', 'c', 'd', 'e', 'f');
    workspace.pipeline.setLayers('signup.before', [['a']]);
    const refused: [string[][], RegExp][] = [
      [[['a', 'b', 'c', 'd', 'e', 'f']], /layer 1 has 6 scripts/],
      [[[]], /layer 1 has 0 scripts/],
      [Array.from({ length: 11 }, () => ['a']), /11 layers/],
      [[['a'], ['a']], /appears twice/],
      [[['missing']], /no script "missing"/],
    ];
    for (const [layers, message] of refused) {
      expect(() => workspace.pipeline.setLayers('signup.before', layers)).toThrow(message);
    }
    expect(() => workspace.pipeline.setLayers('signup.maybe' as 'signup.before', [['a']])).toThrow(/Unknown hook/);
    expect(workspace.pipeline.layers('signup.before')).toEqual([['a']]);
  });

  it('keeps variables and declared secrets in the order they were defined', () => {
    openWithScripts();
    workspace.pipeline.setEnv({ REGION: 'eu', TIER: 'gold' });
    workspace.pipeline.setVariable('ALPHA', '1');
    workspace.pipeline.setVariable('REGION', 'us');
    expect(Object.entries(workspace.pipeline.env())).toEqual([
      ['REGION', 'us'],
      ['TIER', 'gold'],
      ['ALPHA', '1'],
    ]);
    expect(workspace.pipeline.removeVariable('TIER')).toBe(true);
    expect(() => workspace.pipeline.setVariable('1BAD', 'x')).toThrow(/Variable name/);

    workspace.pipeline.setSecrets(['IPQS_API_KEY', 'A_KEY', 'IPQS_API_KEY']);
    workspace.pipeline.declareSecret('B_KEY');
    workspace.pipeline.declareSecret('A_KEY');
    expect(workspace.pipeline.secrets()).toEqual(['IPQS_API_KEY', 'A_KEY', 'B_KEY']);
    expect(() => workspace.pipeline.declareSecret('lower')).toThrow(/Secret name/);
    expect(workspace.pipeline.undeclareSecret('A_KEY')).toBe(true);
  });
});
