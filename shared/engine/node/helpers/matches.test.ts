import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matches, maxPatternBytes, maxTextBytes, patternCacheSize } from './matches';

const sourcePath = fileURLToPath(new URL('./matches.ts', import.meta.url));

describe('matches', () => {
  it.each([
    ['alice@example.com', '@example\\.com$', true],
    ['alice@example.com.evil.io', '@example\\.com$', false],
    ['alice@example.com', '^alice', true],
    ['xalice', '^alice', false],
    ['abc', 'b', true], // unanchored by default
    ['abc', '^b$', false],
    ['ABC', '(?i)abc', true],
    ['ABC', 'abc', false],
    ['line1\nline2', '^line2$', false],
    ['line1\nline2', '(?m)^line2$', true],
    ['a\nb', 'a.b', false],
    ['a\nb', '(?s)a.b', true],
    ['2024-01-31', '^\\d{4}-\\d{2}-\\d{2}$', true],
    ['user+tag@x.io', '^[^@\\s]+@[^@\\s]+$', true],
    ['anything', '', true],
    ['', '^$', true],
    ['', 'a', false],
  ])('%j ~ /%s/ is %s', (text, pattern, expected) => {
    expect(matches(text, pattern)).toBe(expected);
  });

  it('handles unicode text and classes', () => {
    expect(matches('😀', '^.$')).toBe(true); // one code point, not two UTF-16 units
    expect(matches('Ωμέγα', '^\\p{Greek}+$')).toBe(true);
    expect(matches('café', '^caf\\x{e9}$')).toBe(true);
    expect(matches('CAFÉ', '(?i)^café$')).toBe(true);
    expect(matches('日本語テキスト', 'テキ')).toBe(true);
    expect(matches('naïve', '^[a-z]+$')).toBe(false);
    expect(matches('a\u0000b', 'a\\x00b')).toBe(true);
  });

  it('finishes catastrophic-backtracking patterns in linear time', () => {
    const evil = `${'a'.repeat(100_000)}!`;
    const started = performance.now();
    expect(matches(evil, '(a+)+$')).toBe(false);
    expect(matches(evil, '^(a|a)*$')).toBe(false);
    expect(matches(evil, '^(a|aa)+$')).toBe(false);
    expect(matches(evil, '(.*a){20}!')).toBe(true);
    expect(matches(`${'a'.repeat(1000)}`, '^(a+)+$')).toBe(true);
    // Generous: a backtracking engine would not finish the first of these in a lifetime.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('rejects invalid patterns and unsupported syntax with a clear error', () => {
    expect(() => matches('a', '(')).toThrow(/^matches: invalid pattern: missing \)/);
    expect(() => matches('a', '[z-a]')).toThrow(/^matches: invalid pattern: invalid character class range/);
    expect(() => matches('a', 'a{2,1}')).toThrow(/^matches: invalid pattern/);
    expect(() => matches('aa', '(a)\\1')).toThrow(/^matches: invalid pattern: invalid escape/);
    expect(() => matches('ab', 'a(?=b)')).toThrow(/^matches: invalid pattern: invalid perl operator/);
    expect(() => matches('a', 'a{1001}')).toThrow(/^matches: invalid pattern: invalid repetition size/);
    // The same bad pattern again comes from the cache and still throws.
    expect(() => matches('a', '(')).toThrow(/^matches: invalid pattern/);
  });

  it('bounds the pattern and the text, in UTF-8 bytes', () => {
    expect(matches('a', 'a'.repeat(maxPatternBytes))).toBe(false);
    expect(() => matches('a', 'a'.repeat(maxPatternBytes + 1))).toThrow(/^matches: pattern is longer than 1024 bytes/);
    expect(() => matches('a', 'é'.repeat(maxPatternBytes / 2 + 1))).toThrow(/^matches: pattern is longer/);
    expect(matches(`${'x'.repeat(maxTextBytes - 1)}y`, 'y$')).toBe(true);
    expect(() => matches('x'.repeat(maxTextBytes + 1), 'y')).toThrow(/^matches: text is longer than 1048576 bytes/);
    expect(() => matches('€'.repeat(maxTextBytes / 3 + 1), 'y')).toThrow(/^matches: text is longer/);
  });

  it('rejects non-string arguments', () => {
    expect(() => matches(42 as unknown as string, 'a')).toThrow(/^matches: text and pattern must be strings/);
    expect(() => matches('a', null as unknown as string)).toThrow(/^matches: text and pattern must be strings/);
  });

  it('keeps working far past the cache size (evicted patterns are freed)', () => {
    // re2-wasm's heap is 16 MB and never grows: without freeing, these compilations exhaust it
    // after about 3,600 of them.
    for (let i = 0; i < 4_500; i++) {
      expect(matches(`id-${i}-z`, `^id-${i}-[a-z]{1,20}$`)).toBe(true);
      if (i % 10 === 0) expect(() => matches('x', `(unclosed-${i}`)).toThrow(/^matches: invalid pattern/);
    }
    expect(patternCacheSize).toBeLessThan(4_500);
  });

  it('recovers when the WebAssembly instance has aborted', () => {
    expect(matches('warm', 'warm')).toBe(true);
    // Exhaust the fixed heap of the very module instance matches() uses (same require cache), so
    // that any further allocation in it aborts, as an oversized DFA cache would in production.
    const require = createRequire(pathToFileURL(sourcePath));
    const binding = require('re2-wasm/build/wasm/re2.js') as {
      _malloc(size: number): number;
      WrappedRE2: new (pattern: string, i: boolean, m: boolean, s: boolean) => unknown;
    };
    // Emscripten prints each abort on stderr; that noise is expected here.
    // Large blocks first, then smaller ones, until not even 16 bytes are left.
    for (let size = 1024 * 1024; size >= 16; size /= 4) {
      expect(() => {
        for (;;) binding._malloc(size);
      }).toThrow(/abort/);
    }
    expect(() => new binding.WrappedRE2('a', false, false, false)).toThrow(/abort/);
    expect(matches('still works', 'works$')).toBe(true);
    expect(matches('warm', '^cold$')).toBe(false);
  });
});

describe('matches in worker_threads', () => {
  let directory = '';
  let bundlePath = '';

  beforeAll(async () => {
    // Workers run plain JavaScript: bundle this very module the way the app's build does
    // (dependencies external), keeping import.meta.url pointing at the source so re2-wasm resolves.
    directory = mkdtempSync(path.join(os.tmpdir(), 'matches-worker-'));
    bundlePath = path.join(directory, 'matches.mjs');
    const bundled = await build({
      entryPoints: [sourcePath],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      define: { 'import.meta.url': JSON.stringify(pathToFileURL(sourcePath).href) },
      logLevel: 'silent',
    });
    writeFileSync(bundlePath, bundled.outputFiles[0]?.text ?? '');
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  function startWorker(body: string): Worker {
    const code = `
      import { parentPort } from 'node:worker_threads';
      import { matches } from ${JSON.stringify(pathToFileURL(bundlePath).href)};
      ${body}
    `;
    return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  }

  function nextMessage(worker: Worker): Promise<unknown> {
    return new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  }

  it('loads and matches inside a worker thread', async () => {
    const worker = startWorker(`
      parentPort.postMessage([
        matches('alice@example.com', '@example\\\\.com$'),
        matches('a'.repeat(50000) + '!', '(a+)+$'),
        (() => { try { matches('a', '('); return 'no error'; } catch (e) { return e.message; } })(),
      ]);
    `);
    try {
      expect(await nextMessage(worker)).toEqual([true, false, 'matches: invalid pattern: missing ): (']);
    } finally {
      await worker.terminate();
    }
  });

  it('a long adversarial match is interrupted when the worker is terminated', async () => {
    // Linear time but a huge program (~1000 states) on 64 KB: tens of seconds. The engine's
    // wall-time limit holds because terminating the worker interrupts WebAssembly mid-match.
    const worker = startWorker(`
      let text = '';
      for (let i = 0; i < 65536; i++) text += i * 7919 % 13 < 6 ? 'a' : 'b';
      parentPort.postMessage('started');
      parentPort.postMessage(matches(text, '[ab]*a[ab]{999}c'));
    `);
    expect(await nextMessage(worker)).toBe('started');
    let finished = false;
    worker.on('message', () => {
      finished = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    await worker.terminate();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(finished).toBe(false);
  });
});
