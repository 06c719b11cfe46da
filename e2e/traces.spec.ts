import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { StudioCli, TracesPage, type BundleSpec } from './support/traces-page';

// Layer 1 runs two scripts in parallel, layer 2 one; `decide` fails on line 5 for broken.test
// addresses (indexing a nil value), so one event leaves an error trace with a line to jump to.
const decideBroken = `-- Decides on the sign-up.
local email = event.user.email
if email:match("@broken%.test$") then
  local profile = nil
  return { allow = profile.allowed }
end
return true
`;

const pipeline: BundleSpec = {
  scripts: {
    geo: 'helpers.log("geo for", event.request.ip)\nreturn true\n',
    risk: 'local score = #event.user.email\nreturn true\n',
    decide: decideBroken,
  },
  layers: { 'signup.before': [['geo', 'risk'], ['decide']] },
};

const signup = (id: string, email: string) => ({
  id,
  hook: 'signup.before',
  event: { request: { ip: '203.0.113.7' }, user: { email }, provider: 'email' },
});
const events = [signup('evt-ok', 'ada@example.com'), signup('evt-broken', 'eve@broken.test')];

/** The bundle and events are written inside the studio's fresh data folder, removed with it. */
async function replayed(studioDataDir: string): Promise<StudioCli> {
  const cli = new StudioCli(studioDataDir, path.join(studioDataDir, 'e2e-input'));
  await cli.importBundle('bundle-v1', pipeline);
  await cli.importEvents(events);
  const lines = await cli.replay();
  const outcomes = Object.fromEntries(lines.map((line) => [line.id, line.error?.message ?? 'ok']));
  expect(outcomes).toEqual({
    'evt-ok': 'ok',
    'evt-broken': "script:5: attempt to index a nil value (local 'profile')",
  });
  return cli;
}

test('a replay leaves traces: waterfall, span details, the error line, OTLP export', async ({ studio, studioPage }) => {
  test.setTimeout(90_000);
  await replayed(studio.dataDir);
  const { page } = studioPage;
  const traces = new TracesPage(studioPage);
  await studioPage.open();
  await traces.open();
  await expect(traces.count).toHaveText('2 traces');

  // One row per span: the hook, each layer, each script of each layer.
  await traces.openTrace(traces.rows(/evt-ok/));
  for (const name of ['hook signup.before', 'layer 1', 'script geo', 'script risk', 'layer 2', 'script decide'])
    await expect(traces.span(name)).toBeVisible();
  await expect(traces.spanRows()).toHaveCount(6);
  await expect(traces.span('script geo')).toHaveAttribute('aria-level', '3');
  await expect(traces.span('layer 1')).toHaveAttribute('aria-expanded', 'true');

  // Selecting a span shows its details: name, status, its log line, its attributes, the input.
  await traces.span('script geo').click();
  await expect(traces.details.getByRole('heading', { name: 'script geo' })).toBeVisible();
  await expect(traces.details.getByRole('region', { name: 'Logs' })).toContainText('geo for');
  await expect(traces.details.getByRole('region', { name: 'Attributes' })).toContainText('script.layer');
  await expect(traces.details.getByRole('region', { name: 'Input event' })).toContainText('evt-ok');

  // Keyboard: Left collapses layer 1, Right expands it, Enter selects.
  await traces.waterfall.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowLeft');
  await expect(traces.span('layer 1')).toHaveAttribute('aria-expanded', 'false');
  await expect(traces.spanRows()).toHaveCount(4);
  await page.keyboard.press('ArrowRight');
  await expect(traces.spanRows()).toHaveCount(6);
  await page.keyboard.press('Enter');
  await expect(traces.details.getByRole('heading', { name: 'layer 1' })).toBeVisible();

  // The failed trace opens on the failing script; its line opens in the editor.
  await traces.backToList();
  await traces.openTrace(traces.rows(/evt-broken/));
  await expect(traces.details.getByRole('heading', { name: 'script decide' })).toBeVisible();
  await expect(traces.details.getByRole('region', { name: 'Error' })).toContainText('RUNTIME_ERROR');
  await traces.details.getByRole('button', { name: 'Open decide at line 5' }).click();
  const editor = page.locator('.script-editor[data-script="decide"] .code-editor');
  await expect(editor).toHaveAttribute('data-revealed-line', '5', { timeout: 30_000 });
  await expect(editor.locator('.revealed-line')).toBeVisible({ timeout: 30_000 });
  await expect(editor.locator('.active-line-number')).toHaveText('5');

  // Back in the Traces view the trace is still open; back to the list, tick both, export.
  await traces.open();
  await traces.backToList();
  await traces.checkbox(traces.rows(/evt-ok/)).click();
  await traces.checkbox(traces.rows(/evt-broken/)).click({ modifiers: ['Shift'] });
  await expect(page.getByText('2 selected')).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export OTLP JSON' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.json$/);
  const otlp = JSON.parse(readFileSync(await file.path(), 'utf8')) as {
    resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[];
  };
  expect(Array.isArray(otlp.resourceSpans)).toBe(true);
  const spans = otlp.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
  expect(new Set(spans.map((span) => span.traceId)).size).toBe(2);
  expect(spans).toHaveLength(12);
});

test('compare two traces of one event after a script changed', async ({ studio, studioPage }) => {
  test.setTimeout(90_000);
  const cli = await replayed(studio.dataDir);
  // The fix: decide no longer fails, and layer 2 gains an audit script.
  await cli.importBundle('bundle-v2', {
    scripts: { ...pipeline.scripts, decide: 'return true\n', audit: 'helpers.log("audited")\nreturn true\n' },
    layers: {
      'signup.before': [
        ['geo', 'risk'],
        ['decide', 'audit'],
      ],
    },
  });
  expect((await cli.replay()).map((line) => line.ok)).toEqual([true, true]);

  const { page } = studioPage;
  const traces = new TracesPage(studioPage);
  await studioPage.open();
  await traces.open();
  await expect(traces.count).toHaveText('4 traces');
  // Latest first: the first evt-broken row is the trace after the fix.
  await traces.openTrace(traces.rows(/evt-broken/).first());
  await page.getByRole('button', { name: 'Compare…' }).click();
  const compare = page.getByRole('region', { name: 'Compare traces' });
  await expect(compare.getByTestId('compare-summary')).toContainText('3 status changes');
  await expect(compare.getByTestId('compare-summary')).toContainText('1 span in one trace only');
  await expect(compare.getByRole('row', { name: /decide/ })).toContainText('ERROR → OK');
  await expect(compare.getByRole('row', { name: /audit/ })).toContainText('only in the later trace');
  await expect(compare.getByRole('row', { name: /geo/ })).toContainText(/[+−±]/);
});
