import { afterEach, describe, expect, it } from 'vitest';
import { BundleInvalidError, canonicalBundle, type Bundle } from '../../shared/engine';
import { useTempDirs } from './testing/temp-dirs';
import { openTestWorkspace } from './testing/workspace-harness';
import type { Workspace } from './workspace';

const tempDir = useTempDirs();
const opened: Workspace[] = [];
const open = () => {
  const workspace = openTestWorkspace(tempDir());
  opened.push(workspace);
  return workspace;
};
afterEach(() => opened.splice(0).forEach((w) => w.close()));

const acme = (): Bundle => ({
  format: 'pipeline-studio/bundle@1',
  name: 'acme-auth',
  scripts: {
    'block-disposable': {
      file: 'scripts/block-disposable.lua',
      description: 'Refuse throwaway mailboxes',
      timeoutMs: 1000,
      onError: 'deny',
      source: 'if event.user.email:match("@mailinator%.com$") then return { allow = false, reason = "disposable" } end',
    },
    'add-roles': { file: 'scripts/add-roles.lua', source: 'return { roles = { "user" } }' },
    geo: { file: 'lib/geo.lua', source: 'return { allow = true }' },
  },
  hooks: {
    'signup.before': { layers: [['block-disposable', 'geo']] },
    'token.enrich': { layers: [['add-roles']] },
  },
  env: { REGION: 'eu', TIER: 'gold' },
  secrets: ['IPQS_API_KEY'],
});

describe('the bundle view of a workspace', () => {
  it('imports a bundle into a fresh workspace and exports the same bundle', () => {
    const workspace = open();
    const result = workspace.importBundle(acme());
    expect(result.created.sort()).toEqual(['add-roles', 'block-disposable', 'geo']);
    expect(canonicalBundle(workspace.exportBundle())).toEqual(canonicalBundle(acme()));
    expect(workspace.name).toBe('acme-auth');
    expect(workspace.scripts.get('geo')?.file).toBe('lib/geo.lua');
  });

  it('export then import changes nothing: no new versions, same bundle', () => {
    const workspace = open();
    workspace.importBundle(acme());
    const before = workspace.exportBundle();
    const result = workspace.importBundle(before);
    expect({ ...result, unchanged: result.unchanged.sort() }).toEqual({
      created: [],
      updated: [],
      unchanged: ['add-roles', 'block-disposable', 'geo'],
      archived: [],
    });
    expect(workspace.scripts.versions('add-roles')).toHaveLength(1);
    expect(workspace.exportBundle()).toEqual(before);
  });

  it('gives a changed script a new version and archives scripts the bundle no longer has', () => {
    const workspace = open();
    workspace.importBundle(acme());
    const next = acme();
    next.scripts['add-roles']!.source = 'return { roles = { "user", "beta" } }';
    delete next.scripts.geo;
    next.hooks['signup.before'] = { layers: [['block-disposable']] };
    next.env = { REGION: 'us' };
    const result = workspace.importBundle(next, { message: 'from git' });
    expect(result).toMatchObject({ updated: ['add-roles'], unchanged: ['block-disposable'], archived: ['geo'] });
    expect(workspace.scripts.latest('add-roles')).toMatchObject({ version: 2, message: 'from git' });
    expect(workspace.scripts.versions('geo')).toHaveLength(1);
    expect(canonicalBundle(workspace.exportBundle())).toEqual(canonicalBundle(next));
  });

  it('round-trips between two workspaces', () => {
    const first = open();
    first.scripts.save('s1', 'return true', { settings: { onError: 'allow' } });
    first.scripts.save('s2', 'return { x = 1 }');
    first.pipeline.setLayers('signin.before', [['s1']]);
    first.pipeline.setLayers('session.enrich', [['s2', 's1']]);
    first.pipeline.setEnv({ A: '1' });
    first.pipeline.setSecrets(['KEY']);
    first.rename('copied');
    const second = open();
    second.importBundle(first.exportBundle());
    expect(second.exportBundle()).toEqual(first.exportBundle());
  });

  it('refuses an invalid bundle with every problem and leaves the workspace as it was', () => {
    const workspace = open();
    workspace.importBundle(acme());
    const bad = acme() as unknown as Record<string, unknown>;
    bad.hooks = { 'signup.before': { layers: [['missing']] }, 'signup.never': { layers: [] } };
    let thrown: unknown;
    try {
      workspace.importBundle(bad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BundleInvalidError);
    expect((thrown as BundleInvalidError).problems.map((p) => p.message).join('\n')).toMatch(
      /missing[\s\S]*signup.never|signup.never[\s\S]*missing/,
    );
    expect(canonicalBundle(workspace.exportBundle())).toEqual(canonicalBundle(acme()));
  });
});
