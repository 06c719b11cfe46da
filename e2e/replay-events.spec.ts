import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from './support/fixtures';
import { EventsPage } from './support/events-page';
import { callStudio, RunsPage } from './support/runs-page';

// One after the other: each test starts a studio with its own engine worker, and the last one keeps
// a worker busy on purpose; side by side they slow each other's engine start on small machines.
test.describe.configure({ mode: 'default' });

const signup = (email: string) => ({ request: { ip: '203.0.113.7' }, user: { email }, provider: 'email' });

// Line 3 is not JSON: it is reported by number and the four others are kept.
const library = [
  JSON.stringify({
    id: 'evt_disposable',
    hook: 'signup.before',
    at: '2026-11-20T10:00:00.000Z',
    source: 'prod-eu',
    event: signup('someone@mailinator.com'),
    outcome: { allow: false, reason: 'disposable email' },
  }),
  JSON.stringify({
    id: 'evt_ok',
    hook: 'signup.before',
    source: 'prod-us',
    event: signup('ada@example.com'),
    outcome: { allow: true },
  }),
  '{"id": "evt_broken", this is not JSON',
  JSON.stringify({
    id: 'evt_token',
    hook: 'token.enrich',
    event: {
      request: { ip: '203.0.113.9' },
      user: { email: 'ada@example.com' },
      token: { type: 'access' },
      claims: {},
    },
    outcome: { data: { claims: {} } },
  }),
  JSON.stringify({
    id: 'evt_after',
    hook: 'signup.after',
    event: { request: { ip: '203.0.113.9' }, user: { id: 'u1', email: 'ada@example.com' } },
  }),
].join('\n');

const blockDisposable = `local email = string.lower(event.user.email)
if email:match("@mailinator%.com$") then
  return { allow = false, reason = "disposable email" }
end
return { allow = true }
`;

test('import with a bad line, pin, replay the suite, read the results, export, and compare after a script change', async ({
  studioPage,
}) => {
  test.setTimeout(90_000);
  const { page } = studioPage;
  const events = new EventsPage(studioPage);
  const runs = new RunsPage(studioPage);
  const file = test.info().outputPath('library.ndjson');
  writeFileSync(file, library + '\n');

  await studioPage.open();
  await events.open();
  await expect(page.getByText('The event library is empty.')).toBeVisible();

  // The import keeps the good lines and lists the bad one by its number.
  await events.importFile(file);
  await expect(events.importReport).toContainText('library.ndjson: 4 imported, 0 duplicates, 1 bad line');
  await expect(events.importReport.getByRole('list', { name: 'Bad lines of library.ndjson' })).toContainText('Line 3');
  await expect(events.list).toHaveAttribute('aria-rowcount', '4');
  await expect(events.row('evt_disposable')).toContainText('deny "disposable email"');
  await events.importReport.getByRole('button', { name: 'Dismiss the import result' }).click();
  await expect(events.importReport).toBeHidden();

  // A click and a shift-click check a range; pinning makes them the regression suite.
  await events.checkbox('evt_disposable').click();
  await events.checkbox('evt_ok').click({ modifiers: ['Shift'] });
  await expect(events.toolbar).toContainText('2 selected');
  await events.toolbar.getByRole('button', { name: 'Pin', exact: true }).click();
  await expect(events.row('evt_ok').getByRole('img', { name: 'pinned' })).toBeVisible();
  await expect(events.row('evt_token').getByRole('img', { name: 'pinned' })).toHaveCount(0);

  // Replaying the suite opens its run: progress, then the results.
  await events.replayButton('pinned suite').click();
  await runs.isShown();
  await expect(runs.progress).toBeVisible();
  await runs.waitForStatus('done');
  await expect(runs.progress).toHaveAttribute('aria-valuenow', '100');
  await expect(runs.detail).toContainText('2 / 2 events');

  // No script denies the disposable address yet: its row differs from the recorded deny.
  await expect(runs.results).toHaveAttribute('aria-rowcount', '2');
  const mismatch = runs.resultRow('evt_disposable');
  await expect(mismatch).toHaveClass(/result-row-mismatch/);
  await expect(mismatch).toContainText('allow');
  await expect(mismatch.locator('.mismatch-summary')).not.toBeEmpty();
  await expect(runs.resultRow('evt_ok')).not.toHaveClass(/result-row-mismatch/);
  await runs.showOnly('Mismatches');
  await expect(runs.results).toHaveAttribute('aria-rowcount', '1');
  await expect(runs.resultRow('evt_disposable')).toBeVisible();
  await expect(runs.resultRow('evt_ok')).toHaveCount(0);

  const csv = await runs.export('CSV');
  expect(csv.suggestedFilename()).toMatch(/\.csv$/);
  expect(readFileSync(await csv.path(), 'utf8')).toContain('evt_disposable');

  // A script now denies disposable addresses; the same events replayed again change decision.
  await callStudio(page, 'scripts.create', { id: 'block-disposable', template: 'blocking' });
  await callStudio(page, 'scripts.save', {
    id: 'block-disposable',
    source: blockDisposable,
    message: 'deny mailinator',
  });
  await callStudio(page, 'pipeline.setLayers', { hook: 'signup.before', layers: [['block-disposable']] });
  await runs.detail.getByRole('button', { name: 'Replay again' }).click();
  await expect(runs.detail.getByRole('heading', { name: /^#2 Again:/ })).toBeVisible();
  await runs.waitForStatus('done');
  await expect(runs.detail).toContainText('0 mismatches');

  await page.getByRole('tab', { name: 'Compare with another run' }).click();
  await expect(page.getByRole('combobox', { name: 'Before' })).toHaveValue('1');
  await expect(page.getByRole('combobox', { name: 'After' })).toHaveValue('2');
  const counts = page.getByRole('definition');
  await expect(counts.first()).toHaveText('1'); // decision changed
  await expect(page.getByRole('table', { name: 'Latency' })).toContainText('p95');
  await expect(runs.changes).toHaveAttribute('aria-rowcount', '1');
  const changed = runs.changedRow('evt_disposable');
  await expect(changed).toContainText('decision');
  await expect(changed).toContainText('allow → deny "disposable email"');

  // A changed event opens the trace of its new run.
  await changed.getByRole('gridcell', { name: 'evt_disposable', exact: true }).click();
  await expect(studioPage.sections.getByRole('button', { name: 'Traces', exact: true })).toHaveAttribute(
    'aria-current',
    'page',
  );
});

test('a file dropped on any view is imported into the library', async ({ studioPage }) => {
  const events = new EventsPage(studioPage);
  await studioPage.open();
  await expect(studioPage.sections.getByRole('button', { name: 'Pipeline', exact: true })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await events.dropFile('dropped.ndjson', library);
  await expect(studioPage.sections.getByRole('button', { name: 'Events', exact: true })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(events.importReport).toContainText('dropped.ndjson: 4 imported, 0 duplicates, 1 bad line');
  await expect(events.list).toHaveAttribute('aria-rowcount', '4');
});

test('a new event is checked against its hook on save, keeps the text on error, and is tagged and deleted', async ({
  studioPage,
}) => {
  const { page } = studioPage;
  const events = new EventsPage(studioPage);
  await studioPage.open();
  await events.open();

  const editor = await events.newEvent('signup.before');
  const text = editor.getByRole('textbox', { name: 'Recorded event (JSON)' });
  const draft = JSON.parse(await text.inputValue()) as { id: string; event: Record<string, unknown> };
  expect(draft.id).toMatch(/^evt_[0-9a-z]{12}$/);

  // An email that is not a string breaks the hook's schema: the message sits next to the editor.
  const invalid = JSON.stringify({ ...draft, event: { ...draft.event, user: { email: 42 } } }, null, 2);
  await text.fill(invalid);
  await editor.getByRole('button', { name: 'Create event' }).click();
  const problem = editor.getByRole('alert');
  await expect(problem).toContainText('Not a valid event');
  await expect(text).toHaveAttribute('aria-invalid', 'true');
  await expect(text).toHaveValue(invalid);

  await text.fill(JSON.stringify({ ...draft, id: 'evt_handmade' }, null, 2));
  await editor.getByRole('button', { name: 'Create event' }).click();
  const saved = events.editor('evt_handmade');
  await expect(saved.getByRole('status')).toHaveText('Created evt_handmade.');
  await expect(events.row('evt_handmade')).toBeVisible();

  await saved.getByRole('textbox', { name: 'Add a tag' }).fill('smoke, regression');
  await saved.getByRole('textbox', { name: 'Add a tag' }).press('Enter');
  await expect(saved.getByRole('list', { name: 'Tags' })).toContainText('smoke');
  await expect(events.row('evt_handmade')).toContainText('regression');
  await saved.getByRole('button', { name: 'Pin', exact: true }).click();
  await expect(events.replayButton('pinned suite')).toHaveText('Replay pinned suite (1)');

  await saved.getByRole('button', { name: 'Delete…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete evt_handmade?' });
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(saved).toBeHidden();
  await expect(page.getByText('The event library is empty.')).toBeVisible();
});

test('a long replay shows its live progress and can be cancelled, keeping what finished', async ({ studioPage }) => {
  test.setTimeout(60_000);
  const { page } = studioPage;
  const events = new EventsPage(studioPage);
  const runs = new RunsPage(studioPage);
  await studioPage.open();

  // A deliberately slow script (tens of milliseconds an event) and two hundred events to replay.
  await callStudio(page, 'scripts.create', { id: 'slow-check', template: 'blocking' });
  await callStudio(page, 'scripts.save', {
    id: 'slow-check',
    source: 'local x = 0\nfor i = 1, 1000000 do x = x + i end\nreturn { allow = true }\n',
  });
  await callStudio(page, 'pipeline.setLayers', { hook: 'signup.before', layers: [['slow-check']] });
  const slow = Array.from({ length: 200 }, (_, i) =>
    JSON.stringify({ id: `slow_${i}`, hook: 'signup.before', event: signup(`user${i}@example.com`) }),
  );
  await callStudio(page, 'events.import', { text: slow.join('\n'), tags: ['slow'] });

  await events.open();
  await page.getByRole('combobox', { name: 'Tag' }).selectOption('slow');
  await expect(events.list).toHaveAttribute('aria-rowcount', '200');
  await events.replayButton('all matching').click();
  await runs.isShown();
  await runs.waitForStatus('running');
  // The engine warms up first, then results arrive in batches: wait for some, not all.
  await expect(runs.progress).toHaveAttribute('aria-valuenow', /^[1-9]\d?$/, { timeout: 20_000 });
  await expect(runs.detail).toContainText(/events\/s/);
  await runs.detail.getByRole('button', { name: 'Cancel run' }).click();
  await runs.waitForStatus('cancelled');
  await expect(runs.detail).toContainText('Cancelled');
  const done = Number(await runs.progress.getAttribute('aria-valuenow'));
  expect(done).toBeLessThan(100);
  await expect(runs.results).toBeVisible();
});

test('a replay reads the secrets of the environment chosen beside the replay buttons', async ({ studioPage }) => {
  const { page } = studioPage;
  const events = new EventsPage(studioPage);
  const runs = new RunsPage(studioPage);
  await studioPage.open();

  // The key is set for production only: a staging replay cannot read it and the script fails.
  await callStudio(page, 'secrets.set', { environment: 'production', name: 'RISK_KEY', value: 'prod-key-1' });
  await callStudio(page, 'scripts.create', { id: 'needs-key', template: 'blocking' });
  await callStudio(page, 'scripts.save', {
    id: 'needs-key',
    source: 'return { allow = helpers.secret("RISK_KEY") == "prod-key-1" }\n',
  });
  await callStudio(page, 'pipeline.setLayers', { hook: 'signup.before', layers: [['needs-key']] });
  await callStudio(page, 'events.import', {
    text: JSON.stringify({
      id: 'evt_key',
      hook: 'signup.before',
      event: signup('ada@example.com'),
      outcome: { allow: true },
    }),
  });

  await events.open();
  await page.getByRole('combobox', { name: 'Secrets from' }).selectOption('production');
  await events.replayButton('all matching').click();
  await runs.isShown();
  await runs.waitForStatus('done');
  await expect(runs.resultRow('evt_key')).toBeVisible();
  await expect(runs.resultRow('evt_key')).not.toContainText('SECRET_NOT_FOUND');
  const [run] = await callStudio<{ id: number }[]>(page, 'runs.list', {});
  const results = await callStudio<{ total: number; results: { line: { allow?: boolean; mismatch: unknown } }[] }>(
    page,
    'runs.results',
    { runId: run!.id },
  );
  expect(results.results.map((r) => [r.line.allow, r.line.mismatch])).toEqual([[true, null]]);

  // The run says whose secrets it read, and "Replay again" reads the same ones (not staging's).
  await expect(runs.detail).toContainText('secrets from production');
  await runs.detail.getByRole('button', { name: 'Replay again' }).click();
  await expect(runs.detail).toContainText('Again:');
  await runs.waitForStatus('done');
  const [again] = await callStudio<{ id: number; environment?: string }[]>(page, 'runs.list', {});
  expect(again!.id).not.toBe(run!.id);
  expect(again!.environment).toBe('production');
  const repeated = await callStudio<{ results: { line: { allow?: boolean; mismatch: unknown } }[] }>(
    page,
    'runs.results',
    { runId: again!.id },
  );
  expect(repeated.results.map((r) => [r.line.allow, r.line.mismatch])).toEqual([[true, null]]);
});
