import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lookupInside, resolveInside } from './static-files';

let root: string;
let outside: string;

beforeAll(() => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'static-files-'));
  root = path.join(base, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'export {}');
  outside = path.join(base, 'secret.txt');
  writeFileSync(outside, 'top secret');
  symlinkSync(outside, path.join(root, 'assets', 'link.txt'));
});

describe('resolveInside', () => {
  it('serves files inside the folder', () => {
    expect(resolveInside(root, '/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveInside(root, '/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets\\..\\..\\secret.txt',
    '/index.html%00.js',
    '/%E0%A4%A',
    '/assets/link.txt',
    '/assets',
    '/missing.js',
  ])('refuses %s', (urlPath) => {
    expect(resolveInside(root, urlPath)).toBeNull();
  });
});

describe('lookupInside', () => {
  it('tells a malformed escape (400) from a refused or missing file (404)', () => {
    expect(lookupInside(root, '/assets/app.js')).toEqual({ ok: true, file: path.join(root, 'assets', 'app.js') });
    for (const urlPath of ['/%E0%A4%A', '/assets/%zz.js', '/%', '/%C0%AF', '/index.html%FF']) {
      expect(lookupInside(root, urlPath)).toEqual({
        ok: false,
        status: 400,
        reason: 'malformed percent-encoding in the path',
      });
    }
    for (const urlPath of ['/%2e%2e/secret.txt', '/assets/link.txt', '/missing.js', '/index.html%00.js']) {
      expect(lookupInside(root, urlPath)).toEqual({ ok: false, status: 404, reason: 'not found' });
    }
  });
});
