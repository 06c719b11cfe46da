import { describe, expect, it } from 'vitest';
import { useAuthoringHarness } from './testing/authoring-harness';
import { templateSource } from './templates';

const harness = useAuthoringHarness();

describe('scripts channels', () => {
  it('creates a script from a template as its first version, and refuses an id that is taken', async () => {
    const { call, fail, internalErrors } = harness();
    expect(await call('scripts.list', {})).toEqual([]);
    const created = await call('scripts.create', {
      id: 'block-disposable',
      template: 'blocking',
      description: 'No throwaways',
    });
    expect(created).toMatchObject({
      id: 'block-disposable',
      description: 'No throwaways',
      latest: { version: 1, message: 'Created from the blocking template' },
      hooks: [],
      secretsUsed: [],
    });
    expect(created.latest.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const got = await call('scripts.get', { id: 'block-disposable' });
    expect(got).toMatchObject({ version: 1, source: templateSource('blocking') });

    expect(await fail('scripts.create', { id: 'block-disposable', template: 'blank' })).toMatchObject({
      code: 'CONFLICT',
    });
    // Ids ignore case, as in an exported bundle's file names.
    const clash = await fail('scripts.create', { id: 'Block-Disposable', template: 'blank' });
    expect(clash.code).toBe('CONFLICT');
    expect(await call('scripts.versions', { id: 'block-disposable' })).toHaveLength(1);
    expect(await fail('scripts.create', { id: '-bad id', template: 'blank' })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(internalErrors).toEqual([]);
  });

  it('saves new versions, none for identical text, and gets any version', async () => {
    const { call, fail } = harness();
    await call('scripts.create', { id: 'tag', template: 'enrichment' });
    const second = await call('scripts.save', { id: 'tag', source: 'return { a = 1 }', message: 'simpler' });
    expect(second).toMatchObject({ created: true, version: { version: 2, message: 'simpler' } });
    const same = await call('scripts.save', { id: 'tag', source: 'return { a = 1 }' });
    expect(same).toEqual({ created: false, version: second.version });
    expect((await call('scripts.versions', { id: 'tag' })).map((v) => v.version)).toEqual([2, 1]);
    expect(await call('scripts.get', { id: 'tag', version: 1 })).toMatchObject({
      version: 1,
      source: templateSource('enrichment'),
      latest: { version: 2 },
    });
    expect(await fail('scripts.get', { id: 'tag', version: 7 })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await fail('scripts.get', { id: 'nope' })).toMatchObject({ code: 'NOT_FOUND' });
    // Saving never creates a script: scripts.create does.
    expect(await fail('scripts.save', { id: 'nope', source: 'return nil' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await call('scripts.list', {})).toHaveLength(1);
  });

  it('refuses more than 5 KB of UTF-8 and saves nothing', async () => {
    const { call, fail } = harness();
    await call('scripts.create', { id: 'big', template: 'blank' });
    // 2,600 characters but 5,200 bytes: the limit is in bytes, as the engine counts it.
    const source = `-- ${'é'.repeat(2600)}\nreturn nil`;
    expect(source.length).toBeLessThan(5120);
    const error = await fail('scripts.save', { id: 'big', source });
    expect(error.code).toBe('SCRIPT_TOO_LARGE');
    expect(error.message).toMatch(/5\d{3} bytes .*at most 5120/);
    expect(await call('scripts.versions', { id: 'big' })).toHaveLength(1);
    const exactly = `--${'x'.repeat(5118)}`;
    expect(await call('scripts.save', { id: 'big', source: exactly })).toMatchObject({ created: true });
  });

  it('restores an older version as a new one', async () => {
    const { call, fail } = harness();
    await call('scripts.create', { id: 'log', template: 'async' });
    await call('scripts.save', { id: 'log', source: 'return 2' });
    const restored = await call('scripts.restore', { id: 'log', version: 1 });
    expect(restored).toMatchObject({ created: true, version: { version: 3, message: 'Restored version 1' } });
    expect((await call('scripts.get', { id: 'log' })).source).toBe(templateSource('async'));
    expect(await call('scripts.restore', { id: 'log', version: 3 })).toMatchObject({ created: false });
    expect(await fail('scripts.restore', { id: 'log', version: 9 })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await fail('scripts.restore', { id: 'nope', version: 1 })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('updates settings: a field left out stays, null clears it', async () => {
    const { call, fail } = harness();
    await call('scripts.create', { id: 'gate', template: 'blocking', description: 'first' });
    expect(await call('scripts.updateSettings', { id: 'gate', timeoutMs: 2500, onError: 'allow' })).toMatchObject({
      description: 'first',
      timeoutMs: 2500,
      onError: 'allow',
    });
    const cleared = await call('scripts.updateSettings', { id: 'gate', description: null, timeoutMs: null });
    expect(cleared).not.toHaveProperty('description');
    expect(cleared).not.toHaveProperty('timeoutMs');
    expect(cleared.onError).toBe('allow');
    expect(await fail('scripts.updateSettings', { id: 'gate', timeoutMs: 10_001 })).toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(await fail('scripts.updateSettings', { id: 'nope', onError: 'deny' })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('tells which hooks use a script and which secrets its latest version reads', async () => {
    const { call } = harness();
    await call('scripts.create', { id: 'risk', template: 'blank' });
    await call('scripts.save', {
      id: 'risk',
      source: [
        '-- helpers.secret("IN_A_COMMENT")',
        'local key = helpers.secret("IPQS_API_KEY")',
        'local other = helpers.secret "SLACK_WEBHOOK"',
        'return nil',
      ].join('\n'),
    });
    await call('pipeline.setLayers', { hook: 'signup.before', layers: [['risk']] });
    await call('pipeline.setLayers', { hook: 'signin.before', layers: [['risk']] });
    const [summary] = await call('scripts.list', {});
    expect(summary).toMatchObject({
      id: 'risk',
      hooks: ['signup.before', 'signin.before'],
      secretsUsed: ['IPQS_API_KEY', 'SLACK_WEBHOOK'],
    });
    await call('scripts.save', { id: 'risk', source: 'return nil' });
    expect((await call('scripts.get', { id: 'risk' })).secretsUsed).toEqual([]);
  });
});
