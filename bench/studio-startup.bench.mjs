// studio-startup: how soon web mode shows an interactive swimlane view, and what the page downloads.
// Not a timed test: figures and one goal (interactive within 1.5 s), reported by bench/run.mjs.
//
// Each run opens the studio in a fresh browser context (empty cache) and measures, in the page,
// the time from navigation start until the pipeline view says it is ready and a lane's toggle can
// take focus. Sizes are read from out/renderer: the built files as they are, and each one minified
// by esbuild (the renderer build does not minify today), with gzip; "initial" is what index.html
// loads, and Monaco must not be part of it (it loads when a script is opened).
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { transform } from 'esbuild';
import { emit, log, median, quick, round } from './lib/measure.mjs';
import { chromiumOptions, startWebHost } from './lib/web-host.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rendererDir = path.join(root, 'out', 'renderer');
const runs = quick ? 3 : 9;
const goalMs = 1500;

async function startHost() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-bench-'));
  const host = await startWebHost({ dataDir });
  return {
    url: host.url,
    async stop() {
      await host.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function measureStartup(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  const lane = page.locator('.pipeline-view[data-view-state="ready"] .lane-toggle').first();
  await lane.waitFor();
  // In-page clock: from navigation start (the token redirect included) to the first lane being there.
  const readyMs = await page.evaluate(() => performance.now());
  await lane.focus();
  const scripts = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((entry) => entry.initiatorType === 'script' || entry.name.endsWith('.js'))
      .map((entry) => entry.name.split('/').pop()),
  );
  await context.close();
  return { readyMs, scripts, errors };
}

function listAssets() {
  const dir = path.join(rendererDir, 'assets');
  return readdirSync(dir).map((file) => ({
    file,
    full: path.join(dir, file),
    bytes: statSync(path.join(dir, file)).size,
  }));
}

async function minifiedSize(file, full) {
  const loader = file.endsWith('.css') ? 'css' : 'js';
  const { code } = await transform(readFileSync(full, 'utf8'), { loader, minify: true, logLevel: 'silent' });
  return { min: Buffer.byteLength(code), gzip: gzipSync(code).length };
}

async function sizes() {
  const html = readFileSync(path.join(rendererDir, 'index.html'), 'utf8');
  const initialNames = new Set([...html.matchAll(/(?:src|href)="\.\/assets\/([^"]+)"/g)].map((m) => m[1]));
  const totals = { built: 0, minified: 0, gzip: 0 };
  const initial = { built: 0, minified: 0, gzip: 0, files: [] };
  const chunks = {};
  for (const asset of listAssets()) {
    if (!/\.(js|css)$/.test(asset.file)) continue;
    const { min, gzip } = await minifiedSize(asset.file, asset.full);
    totals.built += asset.bytes;
    totals.minified += min;
    totals.gzip += gzip;
    chunks[asset.file] = {
      builtKB: round(asset.bytes / 1024),
      minifiedKB: round(min / 1024),
      gzipKB: round(gzip / 1024),
    };
    if (initialNames.has(asset.file)) {
      initial.built += asset.bytes;
      initial.minified += min;
      initial.gzip += gzip;
      initial.files.push(asset.file);
    }
  }
  const initialJs = initial.files
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(path.join(rendererDir, 'assets', f), 'utf8'));
  const monacoInInitial = initialJs.some(
    (code) => code.includes('StandaloneCodeEditor') || code.includes('monaco-editor/esm'),
  );
  const kb = (value) => round(value / 1024);
  return {
    totalKB: { built: kb(totals.built), minified: kb(totals.minified), gzip: kb(totals.gzip) },
    initialKB: { built: kb(initial.built), minified: kb(initial.minified), gzip: kb(initial.gzip) },
    initialFiles: initial.files,
    monacoInInitial,
    chunks,
  };
}

const host = await startHost();
const browser = await chromium.launch(chromiumOptions);
const times = [];
let consoleErrors = 0;
let loadedScripts = [];
try {
  // One warm-up run: the first start of the core opens the workspace file and the engine.
  await measureStartup(browser, host.url);
  for (let run = 0; run < runs; run += 1) {
    const result = await measureStartup(browser, host.url);
    times.push(result.readyMs);
    consoleErrors += result.errors.length;
    loadedScripts = result.scripts;
    log(`run ${run + 1}/${runs}: interactive after ${round(result.readyMs)} ms`);
  }
} finally {
  await browser.close();
  await host.stop();
}
const size = await sizes();
const interactiveMs = round(median(times));
log(`median ${interactiveMs} ms; initial ${size.initialKB.minified} KB minified (${size.initialKB.gzip} KB gzip)`);
emit('studio-startup', {
  runs,
  interactiveMs: { median: interactiveMs, min: round(Math.min(...times)), max: round(Math.max(...times)) },
  scriptsAtStartup: loadedScripts,
  consoleErrors,
  size,
  goals: [
    {
      name: 'interactive swimlane view within 1.5 s (median)',
      met: interactiveMs <= goalMs,
      value: interactiveMs,
      target: goalMs,
    },
    { name: 'Monaco not in the initial chunk', met: !size.monacoInInitial, value: size.monacoInInitial, target: false },
  ],
});
