// replay-ui: the replay screens at scale, in Chromium against web mode (not timed tests):
//   1. the waterfall of a 2,000-span trace, drawn within 200 ms (the view's own `waterfall`
//      performance measure, from the spans' arrival to the first paint); baseline in the same run:
//      a ~10-span trace, so the ratio says what 200× the spans cost;
//   2. the trace list scrolled through 100,000 rows: frames while scrolling versus frames of the
//      same page at rest (the ratio), long frames (> 50 ms) counted, and the last row reached;
//   3. a replay of 10,000 events started from the Events view, with the progress bar sampled while
//      it runs (how often it moved), its throughput against the CLI's replay of the same events in
//      the same workspace (the ratio).
// The workspace is built first: the example bundle, 10,000 events, 100,000 synthetic traces and a
// 2,000-span trace (scripts/dev/seed-traces.mjs).
/* global document, requestAnimationFrame -- functions passed to page.evaluate run in the page. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from '@playwright/test';
import { emit, log, median, quick, round } from './lib/measure.mjs';
import { chromiumOptions, startWebHost } from './lib/web-host.mjs';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const withKeyring = path.join(root, 'scripts', 'with-keyring.sh');
const traceCount = quick ? 5_000 : 100_000;
const eventCount = quick ? 1_000 : 10_000;
const waterfallRuns = quick ? 3 : 7;
const waterfallGoalMs = 200;

function cli(args, dataDir) {
  return run(withKeyring, [process.execPath, path.join(root, 'bin/pipeline-studio.mjs'), ...args, '--data', dataDir], {
    maxBuffer: 256 * 1024 * 1024,
  });
}

async function buildWorkspace(dataDir) {
  await cli(['import', path.join(root, 'examples/acme-auth')], dataDir);
  const samples = readFileSync(path.join(root, 'examples/acme-events.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map(JSON.parse);
  const lines = Array.from({ length: eventCount }, (_, i) => {
    const sample = samples[i % samples.length];
    return JSON.stringify({ ...sample, id: `bench-${i}`, at: new Date(Date.UTC(2026, 10, 20, 0, 0, i)).toISOString() });
  });
  const file = path.join(dataDir, 'bench-events.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
  await cli(['events', 'import', file], dataDir);
  const seeded = await run(process.execPath, [
    path.join(root, 'scripts/dev/seed-traces.mjs'),
    '--data',
    dataDir,
    '--traces',
    String(traceCount),
    '--big-spans',
    '2000',
  ]);
  return JSON.parse(seeded.stdout.trim().split('\n').pop());
}

async function openSection(page, name) {
  await page.getByRole('navigation', { name: 'Studio sections' }).getByRole('button', { name, exact: true }).click();
}

/** Opens the list's row `index` (0-based) and returns the view's `waterfall` measure, in ms. */
async function waterfallMs(page, index) {
  await page.evaluate(() => performance.clearMeasures('waterfall'));
  const list = page.getByRole('grid', { name: 'Traces' });
  await list.locator(`[role="row"][aria-rowindex="${index + 1}"]`).click();
  await page.locator('.trace-detail[data-trace-state="ready"]').waitFor();
  const duration = await page.waitForFunction(() => performance.getEntriesByName('waterfall', 'measure')[0]?.duration);
  const spans = await page.getByRole('treegrid', { name: 'Spans' }).getAttribute('aria-rowcount');
  await page.getByRole('button', { name: '← Back to traces' }).click();
  await page.locator('.trace-list[data-list-state="ready"]').waitFor();
  return { ms: await duration.jsonValue(), spans: Number(spans) };
}

/**
 * Frame intervals for `ms`, while `scroll` (a function run in the page each frame, or null) moves
 * the list: long frames are intervals over 50 ms.
 */
async function frames(page, ms, scrolling) {
  return page.evaluate(
    async ({ ms, scrolling }) => {
      const scroller = document.querySelector('.trace-list .virtual-rows');
      if (!scroller) throw new Error('no trace list');
      const intervals = [];
      const started = performance.now();
      let last = started;
      await new Promise((resolve) => {
        const step = (now) => {
          intervals.push(now - last);
          last = now;
          const t = (now - started) / ms;
          if (scrolling) scroller.scrollTop = Math.min(1, t) * (scroller.scrollHeight - scroller.clientHeight);
          if (t >= 1) resolve();
          else requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      });
      // Let the last pages arrive, then read the last row the list shows.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const rows = [...scroller.querySelectorAll('[role="row"][aria-rowindex]')];
      const lastRow = Math.max(0, ...rows.map((row) => Number(row.getAttribute('aria-rowindex'))));
      return { intervals: intervals.slice(1), lastRow };
    },
    { ms, scrolling },
  );
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

function frameStats(result) {
  return {
    frames: result.intervals.length,
    p50Ms: round(percentile(result.intervals, 50)),
    p95Ms: round(percentile(result.intervals, 95)),
    maxMs: round(Math.max(...result.intervals)),
    longFrames: result.intervals.filter((ms) => ms > 50).length,
  };
}

/** Starts a replay of every event from the Events view and samples the progress bar until done. */
async function replayFromUi(page) {
  await openSection(page, 'Events');
  await page.locator('.events-view[data-view-state="ready"]').waitFor();
  const started = Date.now();
  await page
    .getByRole('toolbar', { name: 'Event actions' })
    .getByRole('button', { name: /^Replay all matching \(/ })
    .click();
  const bar = page.getByRole('progressbar', { name: 'Replay progress' });
  await bar.waitFor();
  const results = page.getByRole('grid', { name: 'Replay results' });
  const samples = [];
  // The bar stays, full, when the run ends; the results table appears then.
  while (!(await results.isVisible())) {
    if (Date.now() - started > 5 * 60_000) throw new Error('the replay did not finish within 5 minutes');
    const value = await bar.getAttribute('aria-valuenow', { timeout: 1000 }).catch(() => null);
    if (value !== null) samples.push({ t: Date.now() - started, value: Number(value) });
    await page.waitForTimeout(100);
  }
  const seconds = (Date.now() - started) / 1000;
  const distinct = new Set(samples.map((sample) => sample.value)).size;
  return { seconds, samples: samples.length, distinctValues: distinct };
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'replay-ui-bench-'));
let host;
let browser;
try {
  log(`building a workspace: ${eventCount} events, ${traceCount} traces and a 2,000-span trace…`);
  const seeded = await buildWorkspace(dataDir);
  host = await startWebHost({ dataDir, keyring: true });
  browser = await chromium.launch(chromiumOptions);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(host.url);
  await page.locator('#root[data-app-state="ready"]').waitFor();
  await openSection(page, 'Traces');
  await page.locator('.trace-list[data-list-state="ready"]').waitFor();

  // 1. Waterfall: the 2,000-span trace is the latest (row 0); row 1 is a small one.
  const big = [];
  const small = [];
  let bigSpans = 0;
  let smallSpans = 0;
  for (let i = 0; i < waterfallRuns + 1; i += 1) {
    const b = await waterfallMs(page, 0);
    const s = await waterfallMs(page, 1);
    if (i === 0) continue; // The first open loads the view's code and warms the core.
    big.push(b.ms);
    small.push(s.ms);
    bigSpans = b.spans;
    smallSpans = s.spans;
  }
  const bigMs = median(big);
  const smallMs = median(small);
  log(`waterfall: ${bigSpans} spans ${round(bigMs)} ms (median), ${smallSpans} spans ${round(smallMs)} ms`);

  // 2. The list through all its rows, against the same page at rest.
  const rest = frameStats(await frames(page, 2000, false));
  const scrolled = await frames(page, 5000, true);
  const scroll = frameStats(scrolled);
  log(
    `list: ${traceCount + 1} rows scrolled in 5 s: p95 frame ${scroll.p95Ms} ms (at rest ${rest.p95Ms} ms), ` +
      `${scroll.longFrames} long frames, last row ${scrolled.lastRow}`,
  );

  // 3. Replay from the UI, then the CLI on the same events as the baseline.
  const ui = await replayFromUi(page);
  log(`ui replay: ${eventCount} events in ${round(ui.seconds)} s, progress moved ${ui.distinctValues} times`);
  const cliStarted = Date.now();
  await cli(['replay', '--workspace', '--json'], dataDir).catch((error) => {
    if (error.code !== 1) throw error; // 1: mismatches or denials are outcomes, not failures.
  });
  const cliSeconds = (Date.now() - cliStarted) / 1000;
  log(`cli replay: ${eventCount} events in ${round(cliSeconds)} s`);

  const uiRate = eventCount / ui.seconds;
  const cliRate = eventCount / cliSeconds;
  emit('replay-ui', {
    traces: seeded.traces,
    events: eventCount,
    waterfall: {
      spans: bigSpans,
      medianMs: round(bigMs),
      smallTrace: { spans: smallSpans, medianMs: round(smallMs) },
      ratioToSmall: round(bigMs / smallMs),
      runs: big.length,
    },
    traceList: { rows: traceCount + 1, lastRowReached: scrolled.lastRow, atRest: rest, scrolling: scroll },
    replay: {
      uiSeconds: round(ui.seconds),
      uiEventsPerSecond: round(uiRate),
      cliSeconds: round(cliSeconds),
      cliEventsPerSecond: round(cliRate),
      progressSamples: ui.samples,
      progressDistinctValues: ui.distinctValues,
      ratio: round(uiRate / cliRate),
    },
    consoleErrors: errors.length,
    goals: [
      {
        name: `waterfall of a 2,000-span trace drawn within ${waterfallGoalMs} ms (median)`,
        met: bigMs <= waterfallGoalMs,
        value: round(bigMs),
        target: waterfallGoalMs,
      },
      {
        name: 'trace list scrolled to its last row without long frames (> 50 ms)',
        met: scroll.longFrames === 0 && scrolled.lastRow === traceCount + 1,
        value: scroll.longFrames,
        target: 0,
      },
      {
        name: 'replay from the UI with the progress bar live (moved at least 5 times)',
        met: ui.distinctValues >= 5,
        value: ui.distinctValues,
        target: 5,
      },
      { name: 'no console errors', met: errors.length === 0, value: errors.length, target: 0 },
    ],
  });
} finally {
  await browser?.close();
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
