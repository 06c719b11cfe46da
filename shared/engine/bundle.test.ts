import { describe, expect, it } from 'vitest';
import {
  canonicalBundle,
  canonicalJson,
  isSafeScriptPath,
  isValidSecretName,
  toManifest,
  utf8ByteLength,
  validateBundle,
  type Bundle,
} from './bundle';

function validBundle(): Bundle {
  return {
    format: 'pipeline-studio/bundle@1',
    name: 'acme-auth',
    scripts: {
      'block-disposable': {
        file: 'scripts/block-disposable.lua',
        description: 'Refuse throwaway mailboxes',
        timeoutMs: 1000,
        onError: 'deny',
        source: 'return { allow = true }',
      },
      'add-roles': { file: 'scripts/add-roles.lua', source: 'return { roles = {} }' },
    },
    hooks: {
      'signup.before': { layers: [['block-disposable']] },
      'token.enrich': { layers: [['add-roles']] },
    },
    env: { REGION: 'eu' },
    secrets: ['IPQS_API_KEY'],
  };
}

describe('validateBundle', () => {
  it('accepts the example of docs/formats.md, filling env and secrets when left out', () => {
    expect(validateBundle(validBundle())).toEqual({ ok: true, bundle: validBundle() });
    const { env: _env, secrets: _secrets, ...minimal } = validBundle();
    const result = validateBundle(minimal);
    expect(result.ok && result.bundle.env).toEqual({});
    expect(result.ok && result.bundle.secrets).toEqual([]);
  });

  it('lists every problem with its place', () => {
    const bundle = {
      format: 'pipeline-studio/bundle@1',
      name: 'broken',
      scripts: {
        ok: { file: 'scripts/ok.lua', source: 'return true' },
        big: { file: 'scripts/big.lua', source: '-'.repeat(5 * 1024 + 1) },
        slow: { file: 'scripts/slow.lua', source: '', timeoutMs: 10_001 },
        flaky: { file: 'scripts/flaky.lua', source: '', onError: 'ignore' },
        'bad id!': { file: 'scripts/bad.lua', source: '' },
        OK: { file: 'scripts/OK.lua', source: '' },
        escape: { file: '../../etc/passwd', source: '' },
        nofile: { file: 'scripts/nofile.lua' },
        typo: { file: 'scripts/typo.lua', source: '', timeout: 5 },
      },
      hooks: {
        'signup.bfore': { layers: [['ok']] },
        'signin.before': { layers: [['ok', 'missing'], [], ['a', 'b', 'c', 'd', 'e', 'f'].map(() => 'ok')] },
        'token.enrich': { layers: Array.from({ length: 11 }, () => ['big']) },
      },
      env: { 'BAD-NAME': 'x', GOOD: 'y' },
      secrets: ['IPQS_API_KEY', 'lower', 'IPQS_API_KEY'],
    };
    const result = validateBundle(bundle);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('PIPELINE_INVALID');
    const problems = result.error.problems.map((p) => `${p.where} | ${p.message}`);
    const expected: [string, RegExp][] = [
      ['scripts.big', /5121 bytes; a script may have at most 5120/],
      ['scripts.slow.timeoutMs', /at most 10000/],
      ['scripts.flaky.onError', /"deny" or "allow"/],
      ['scripts["bad id!"]', /script id "bad id!" must be/],
      ['scripts.OK', /duplicate script id: "OK" and "ok"/],
      ['scripts.escape.file', /relative path to a \.lua file/],
      ['scripts.nofile.source', /no source/],
      ['scripts.typo', /Unrecognized key.*timeout/],
      ['hooks["signup.bfore"]', /unknown hook "signup.bfore"/],
      ['hooks["signin.before"].layers[0][1]', /script "missing" is not defined/],
      ['hooks["signin.before"].layers[0][1]', /./],
      ['hooks["signin.before"].layers[1]', /layer 2 is empty/],
      ['hooks["signin.before"].layers[2]', /layer 3 has 6 scripts/],
      ['hooks["signin.before"].layers[2][1]', /"ok" appears twice in this hook/],
      ['hooks["token.enrich"].layers', /11 layers; a hook may have at most 10/],
      ['hooks["token.enrich"].layers[1][0]', /"big" appears twice/],
      ['env.BAD-NAME', /variable name "BAD-NAME"/],
      ['secrets[1]', /secret name "lower"/],
      ['secrets[2]', /declared twice/],
    ];
    for (const [where, message] of expected) {
      expect(
        problems.some((p) => p.startsWith(`${where} |`) && message.test(p)),
        `${where} ${message}`,
      ).toBe(true);
    }
    expect(result.error.message).toMatch(/^PIPELINE_INVALID: \d+ problems: /);
    expect(problems.some((p) => p.startsWith('env.GOOD'))).toBe(false);
  });

  it('reports the shape when it is wrong, and still runs the cross-checks', () => {
    const result = validateBundle({ format: 'other', scripts: [], hooks: { 'nope.before': { layers: [] } } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const wheres = result.error.problems.map((p) => p.where);
    expect(wheres).toEqual(expect.arrayContaining(['format', 'name', 'scripts', 'hooks["nope.before"]']));
    expect(result.error.problems.find((p) => p.where === 'name')?.message).toBe('required field is missing');
    expect(validateBundle('not a bundle')).toMatchObject({ ok: false, error: { problems: [{ where: '(bundle)' }] } });
  });

  it('allows two ids to share a file only with the same source', () => {
    const bundle = validBundle();
    bundle.scripts.copy = { file: 'scripts/add-roles.lua', source: 'return { roles = {} }', onError: 'allow' };
    expect(validateBundle(bundle).ok).toBe(true);
    bundle.scripts.copy.source = 'return {}';
    expect(validateBundle(bundle)).toMatchObject({ ok: false, error: { problems: [{ where: 'scripts.copy.file' }] } });
  });

  it('measures the 5 KB limit in UTF-8 bytes, not characters', () => {
    const bundle = validBundle();
    bundle.scripts['add-roles']!.source = 'é'.repeat(2560);
    expect(validateBundle(bundle).ok).toBe(true);
    bundle.scripts['add-roles']!.source = 'é'.repeat(2561);
    expect(validateBundle(bundle).ok).toBe(false);
  });
});

describe('helpers', () => {
  it('counts UTF-8 bytes', () => {
    expect(utf8ByteLength('abc')).toBe(3);
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('€')).toBe(3);
    expect(utf8ByteLength('😀')).toBe(4);
    expect(utf8ByteLength('\ud800')).toBe(3);
  });

  it('accepts only relative .lua paths that stay inside the folder', () => {
    expect(isSafeScriptPath('scripts/a.lua')).toBe(true);
    expect(isSafeScriptPath('scripts/sub/a.lua')).toBe(true);
    for (const bad of [
      '/etc/a.lua',
      '../a.lua',
      'scripts/../../a.lua',
      'C:/a.lua',
      'scripts\\a.lua',
      'a.txt',
      'scripts//a.lua',
      './a.lua',
      'a\n.lua',
    ]) {
      expect(isSafeScriptPath(bad), bad).toBe(false);
    }
  });

  it('accepts the secret names a bundle may declare, and only those', () => {
    for (const good of ['IPQS_API_KEY', 'A', `K${'X'.repeat(63)}`]) expect(isValidSecretName(good), good).toBe(true);
    for (const bad of ['', 'api_key', '1KEY', '_KEY', 'KEY-1', `K${'X'.repeat(64)}`, 'KEY\n']) {
      expect(isValidSecretName(bad), bad).toBe(false);
    }
    expect(validateBundle({ ...validBundle(), secrets: ['api_key'] }).ok).toBe(isValidSecretName('api_key'));
  });

  it('writes canonical JSON: keys sorted at every depth, arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, skip: undefined })).toBe('{"a":1}');
    expect(canonicalJson('é"\n')).toBe(JSON.stringify('é"\n'));
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });

  it('canonicalises bundles: known fields only, hooks without layers left out', () => {
    const bundle = validBundle();
    const withExtras = { ...bundle, hooks: { ...bundle.hooks, 'signin.before': { layers: [] } }, extra: 1 } as Bundle;
    expect(canonicalJson(canonicalBundle(withExtras))).toBe(canonicalJson(canonicalBundle(bundle)));
    const reordered = JSON.parse(JSON.stringify(bundle, Object.keys(bundle).reverse())) as Bundle;
    expect(canonicalJson(canonicalBundle({ ...reordered, ...bundle }))).toBe(canonicalJson(canonicalBundle(bundle)));
  });

  it('strips sources for the manifest', () => {
    const manifest = toManifest(validBundle());
    expect(manifest.scripts['add-roles']).toEqual({ file: 'scripts/add-roles.lua' });
    expect(JSON.stringify(manifest)).not.toContain('return');
  });
});
