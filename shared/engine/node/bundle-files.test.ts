import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, type Bundle } from '../bundle';
import {
  bundleHash,
  decodeScriptText,
  manifestJson,
  readBundleFolder,
  scanJson,
  scriptHash,
  writeBundleFolder,
} from './bundle-files';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bundle-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const manifest = {
  format: 'pipeline-studio/bundle@1',
  name: 'acme-auth',
  scripts: {
    'block-disposable': {
      file: 'scripts/block-disposable.lua',
      description: 'Refuse throwaway mailboxes',
      timeoutMs: 1000,
      onError: 'deny',
    },
    'add-roles': { file: 'scripts/add-roles.lua' },
  },
  hooks: { 'signup.before': { layers: [['block-disposable']] }, 'token.enrich': { layers: [['add-roles']] } },
  env: { REGION: 'eu' },
  secrets: ['IPQS_API_KEY'],
};

async function writeFolder(pipelineJson: string, files: Record<string, string | Buffer>): Promise<void> {
  await writeFile(path.join(dir, 'pipeline.json'), pipelineJson);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
}

const sources = {
  'scripts/block-disposable.lua':
    'if event.user.email:match("@mailinator%.com$") then\n  return { allow = false, reason = "disposable email" }\nend\n',
  'scripts/add-roles.lua': 'return { claims = { roles = { "member" } } }\n',
};

describe('readBundleFolder', () => {
  it('reads pipeline.json and inlines each script, with the content hash', async () => {
    await writeFolder(JSON.stringify(manifest, null, 2), sources);
    const read = await readBundleFolder(dir);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.bundle.scripts['add-roles']).toEqual({
      file: 'scripts/add-roles.lua',
      source: sources['scripts/add-roles.lua'],
    });
    expect(read.bundle.scripts['block-disposable']?.onError).toBe('deny');
    expect(read.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(read.hash).toBe(createHash('sha256').update(canonicalJson(read.bundle)).digest('hex'));
  });

  it('reports missing and unsafe files, duplicate ids and bundle problems together', async () => {
    const text = `{
  "format": "pipeline-studio/bundle@1",
  "name": "acme",
  "scripts": {
    "a": { "file": "scripts/a.lua" },
    "a": { "file": "scripts/a.lua" },
    "gone": { "file": "scripts/gone.lua" },
    "out": { "file": "../outside.lua" },
    "inline": { "file": "scripts/inline.lua", "source": "return true" }
  },
  "hooks": { "signup.before": { "layers": [["a", "gone", "out", "nope"]] } }
}`;
    await writeFolder(text, { 'scripts/a.lua': 'return true', 'scripts/inline.lua': 'return true' });
    const read = await readBundleFolder(dir);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error.code).toBe('PIPELINE_INVALID');
    const problems = read.error.problems.map((p) => `${p.where} | ${p.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'pipeline.json:6 | duplicate script id "a"',
        'scripts/gone.lua | not found (the file of script "gone")',
        expect.stringMatching(/^scripts\.out\.file \| .*relative path/),
        expect.stringMatching(/^scripts\.inline\.source \| .*belongs in its file/),
        expect.stringMatching(/^hooks\["signup.before"\]\.layers\[0\]\[3\] \| script "nope" is not defined/),
      ]),
    );
    // The missing file is reported once, not again as a missing source.
    expect(problems.filter((p) => p.includes('gone'))).toHaveLength(1);
    expect(problems.some((p) => p.startsWith('scripts.out.source'))).toBe(false);
  });

  it('reports bad JSON with its line and column', async () => {
    await writeFolder('{\n  "format": "pipeline-studio/bundle@1",\n  "name": "x"\n  "scripts": {}\n}\n', {});
    const read = await readBundleFolder(dir);
    expect(read).toMatchObject({
      ok: false,
      error: {
        problems: [{ where: 'pipeline.json:4:3', message: expect.stringMatching(/^bad JSON: expected "," or "}"/) }],
      },
    });
  });

  it('reports a missing pipeline.json, a symlink out of the folder, a folder and non-UTF-8 text', async () => {
    expect(await readBundleFolder(dir)).toMatchObject({
      ok: false,
      error: { problems: [{ where: 'pipeline.json', message: expect.stringContaining('not found') }] },
    });
    const outside = await mkdtemp(path.join(tmpdir(), 'outside-'));
    await writeFile(path.join(outside, 'secret.lua'), 'return "stolen"');
    const scripts = {
      link: { file: 'scripts/link.lua' },
      folder: { file: 'scripts/folder.lua' },
      latin1: { file: 'scripts/latin1.lua' },
    };
    await writeFolder(JSON.stringify({ ...manifest, scripts, hooks: {} }), {
      'scripts/latin1.lua': Buffer.from([0x2d, 0x2d, 0xe9, 0x0a]),
    });
    await mkdir(path.join(dir, 'scripts/folder.lua'));
    await symlink(path.join(outside, 'secret.lua'), path.join(dir, 'scripts/link.lua'));
    const read = await readBundleFolder(dir);
    await rm(outside, { recursive: true, force: true });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    const byWhere = Object.fromEntries(read.error.problems.map((p) => [p.where, p.message]));
    expect(byWhere['scripts/link.lua']).toMatch(/leaves the bundle folder/);
    expect(byWhere['scripts/folder.lua']).toMatch(/not a file/);
    expect(byWhere['scripts/latin1.lua:1']).toMatch(/not valid UTF-8 \(byte 0xE9\)/);
    expect(JSON.stringify(read)).not.toContain('stolen');
  });

  it('normalises CRLF and a BOM so that checkouts on every OS hash the same', async () => {
    await writeFolder(JSON.stringify(manifest), sources);
    const unix = await readBundleFolder(dir);
    const crlf = Object.fromEntries(Object.entries(sources).map(([f, s]) => [f, `\uFEFF${s.replace(/\n/g, '\r\n')}`]));
    await writeFolder(JSON.stringify(manifest), crlf);
    const windows = await readBundleFolder(dir);
    expect(unix.ok && windows.ok && windows.hash).toBe(unix.ok && unix.hash);
  });

  it('refuses a script file that is not UTF-8, naming the file, the line and the byte', async () => {
    const scripts = { latin1: { file: 'scripts/latin1.lua' }, utf8: { file: 'scripts/utf8.lua' } };
    await writeFolder(JSON.stringify({ ...manifest, scripts, hooks: {} }), {
      'scripts/latin1.lua': Buffer.concat([
        Buffer.from('local a = 1\nlocal b = 2\nreturn "'),
        Buffer.from([0xe9, 0x74, 0xe9]),
        Buffer.from('"\n'),
      ]),
      'scripts/utf8.lua': 'return "\u00e9t\u00e9"\n',
    });
    const read = await readBundleFolder(dir);
    expect(read).toMatchObject({
      ok: false,
      error: {
        problems: [
          {
            where: 'scripts/latin1.lua:3',
            message:
              'the file is not valid UTF-8 (byte 0xE9); save it as UTF-8, or write such bytes in strings as \\ddd or \\xXX escapes (the file of script "latin1")',
          },
        ],
      },
    });
    expect(read.ok ? '' : read.error.message).toContain(
      'scripts/latin1.lua:3: the file is not valid UTF-8 (byte 0xE9)',
    );
  });
});

describe('decodeScriptText', () => {
  const decode = (bytes: number[]) => decodeScriptText(Uint8Array.from(bytes));

  it('keeps UTF-8 text, drops a BOM and makes CRLF LF', () => {
    expect(decodeScriptText(Buffer.from('\uFEFFreturn "\u00e9\u20ac\u{1F600}"\r\n'))).toEqual({
      source: 'return "\u00e9\u20ac\u{1F600}"\n',
    });
  });

  it.each([
    ['a Latin-1 byte', [0x61, 0x0a, 0xe9, 0x74], 2, 'E9'],
    ['a stray continuation byte', [0x80], 1, '80'],
    ['an overlong form', [0xc0, 0xaf], 1, 'C0'],
    ['an overlong three-byte form', [0x0a, 0x0a, 0xe0, 0x80, 0xaf], 3, 'E0'],
    ['a surrogate', [0xed, 0xa0, 0x80], 1, 'ED'],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 1, 'F4'],
    ['a sequence cut short by the end', [0x61, 0xe2, 0x82], 1, 'E2'],
    ['a byte that is never UTF-8', [0xff], 1, 'FF'],
  ])('refuses %s with its line and byte', (_name, bytes, line, byte) => {
    expect(decode(bytes)).toMatchObject({ line, problem: expect.stringContaining(`(byte 0x${byte})`) });
  });

  it('accepts the edges of each range', () => {
    const edges = [
      0x7f, 0xc2, 0x80, 0xdf, 0xbf, 0xe0, 0xa0, 0x80, 0xed, 0x9f, 0xbf, 0xf0, 0x90, 0x80, 0x80, 0xf4, 0x8f, 0xbf, 0xbf,
    ];
    const decoded = decode(edges);
    expect(decoded).toEqual({ source: new TextDecoder().decode(Uint8Array.from(edges)) });
  });
});

describe('hashes', () => {
  const bundle: Bundle = {
    format: 'pipeline-studio/bundle@1',
    name: 'acme',
    scripts: { a: { file: 'scripts/a.lua', source: 'return true' } },
    hooks: { 'signup.before': { layers: [['a']] } },
    env: { B: '2', A: '1' },
    secrets: [],
  };

  it('does not depend on key order, and changes with any script text', () => {
    const reordered: Bundle = {
      secrets: [],
      env: { A: '1', B: '2' },
      hooks: bundle.hooks,
      scripts: bundle.scripts,
      name: 'acme',
      format: bundle.format,
    };
    expect(bundleHash(reordered)).toBe(bundleHash(bundle));
    expect(bundleHash({ ...bundle, hooks: { ...bundle.hooks, 'token.enrich': { layers: [] } } })).toBe(
      bundleHash(bundle),
    );
    expect(bundleHash({ ...bundle, scripts: { a: { file: 'scripts/a.lua', source: 'return nil' } } })).not.toBe(
      bundleHash(bundle),
    );
  });

  it('hashes a script as SHA-256 of its UTF-8 text', () => {
    expect(scriptHash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(scriptHash('é')).toBe(
      createHash('sha256')
        .update(Buffer.from([0xc3, 0xa9]))
        .digest('hex'),
    );
  });
});

describe('writeBundleFolder', () => {
  it('writes a folder that reads back to the same bundle and hash', async () => {
    await writeFolder(JSON.stringify(manifest), sources);
    const read = await readBundleFolder(dir);
    if (!read.ok) throw new Error(read.error.message);
    const out = path.join(dir, 'export');
    await writeBundleFolder(out, read.bundle);
    const again = await readBundleFolder(out);
    expect(again).toEqual(read);
    expect(await readFile(path.join(out, 'scripts/add-roles.lua'), 'utf8')).toBe(sources['scripts/add-roles.lua']);
  });

  it('writes pipeline.json in a stable order with two-space indent and a final newline', () => {
    const bundle: Bundle = {
      secrets: ['K'],
      env: { Z: '1', A: '2' },
      hooks: { 'token.enrich': { layers: [['b']] }, 'signup.before': { layers: [['a']] } },
      scripts: { b: { source: '', onError: 'allow', file: 'scripts/b.lua' }, a: { source: '', file: 'scripts/a.lua' } },
      name: 'n',
      format: 'pipeline-studio/bundle@1',
    };
    const text = manifestJson(bundle);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text);
    expect(Object.keys(parsed)).toEqual(['format', 'name', 'scripts', 'hooks', 'env', 'secrets']);
    expect(Object.keys(parsed.scripts)).toEqual(['a', 'b']);
    expect(Object.keys(parsed.scripts.b)).toEqual(['file', 'onError']);
    expect(Object.keys(parsed.hooks)).toEqual(['signup.before', 'token.enrich']);
    expect(Object.keys(parsed.env)).toEqual(['A', 'Z']);
    expect(text).toContain('\n  "name": "n",\n');
    expect(text).not.toContain('source');
  });

  it('refuses to write an invalid bundle', async () => {
    const bad = {
      format: 'pipeline-studio/bundle@1',
      name: 'x',
      scripts: { a: { file: '../../escape.lua', source: '' } },
      hooks: {},
      env: {},
      secrets: [],
    } as Bundle;
    await expect(writeBundleFolder(path.join(dir, 'out'), bad)).rejects.toMatchObject({ code: 'PIPELINE_INVALID' });
  });
});

describe('scanJson', () => {
  it('finds duplicate keys at any depth and the offset of the first syntax error', () => {
    expect(
      scanJson('{"a":1,"b":{"c":1,"c":2},"a":[{"d":1,"d":1}]}').duplicates.map((d) => [d.path.join('/'), d.key]),
    ).toEqual([
      ['b', 'c'],
      ['', 'a'],
      ['a/0', 'd'],
    ]);
    expect(scanJson('{"a": tru}').error).toEqual({ offset: 6, message: 'unexpected "t"' });
    expect(scanJson('{"a": 1').error?.message).toBe('unexpected end of the file');
    expect(scanJson('{"a": 1} x').error?.message).toMatch(/after the end/);
    expect(scanJson('{"a": "\\x"}').error?.message).toMatch(/invalid escape/);
    expect(scanJson('[1, 2.5e3, -0, "\\u00e9", true, null, {}]')).toEqual({ duplicates: [] });
  });
});
