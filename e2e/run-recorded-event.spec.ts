import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, test } from './support/fixtures';
import { PipelinePage } from './support/pipeline-page';
import { ScriptEditorPage } from './support/script-editor-page';

const run = promisify(execFile);

const draft = `local email = string.lower(event.user.email)
if email:match("@mailinator%.com$") then
  return { allow = false, reason = "disposable email", code = "DISPOSABLE" }
end
return { allow = true }
`;

const signup = (email: string) => ({ request: { ip: '203.0.113.7' }, user: { email }, provider: 'email' });

const events = [
  {
    id: 'evt-disposable',
    hook: 'signup.before',
    at: '2026-11-20T10:00:00.000Z',
    source: 'prod-eu',
    event: signup('someone@mailinator.com'),
    outcome: { allow: false, reason: 'disposable email', code: 'DISPOSABLE' },
  },
  {
    id: 'evt-risky-ip',
    hook: 'signup.before',
    at: '2026-11-20T11:30:00.000Z',
    source: 'prod-us',
    event: signup('ada@example.com'),
    outcome: { allow: false, reason: 'risky ip' },
  },
];

test('run a script on a recorded event and compare with the recorded outcome', async ({ studio, studioPage }) => {
  test.setTimeout(60_000);
  // Imported by the CLI into the data folder of the running studio, as an admin would.
  const file = test.info().outputPath('events.ndjson');
  writeFileSync(file, events.map((event) => JSON.stringify(event)).join('\n') + '\n');
  const imported = await run(process.execPath, [
    'bin/pipeline-studio.mjs',
    'events',
    'import',
    file,
    '--data',
    studio.dataDir,
  ]);
  expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 2, duplicates: 0 });

  const { page } = studioPage;
  const scripts = new ScriptEditorPage(studioPage);
  const pipeline = new PipelinePage(studioPage);
  await studioPage.open();
  await pipeline.createAndAttach('signup.before', 'recorded-check');
  await pipeline.card('signup.before', 'recorded-check').press('Enter');
  await scripts.waitForEditor('recorded-check');
  await scripts.replaceText(draft);
  await scripts.checked();

  // The recorded events of signup.before, labelled by id, time and source.
  const picker = page.getByRole('combobox', { name: 'Recorded event' });
  await expect(picker.getByRole('option', { name: 'evt-disposable · 2026-11-20 10:00 UTC · prod-eu' })).toBeAttached();
  await expect(picker.getByRole('option', { name: 'evt-risky-ip · 2026-11-20 11:30 UTC · prod-us' })).toBeAttached();

  // Choosing one fills the event; the run shows the draft's decision and what was recorded.
  await picker.selectOption('evt-disposable');
  await expect(page.getByRole('textbox', { name: 'Event (JSON)' })).toHaveValue(/someone@mailinator\.com/);
  await expect(await scripts.run()).toHaveText('Denied: disposable email (DISPOSABLE)');
  const recorded = page.getByTestId('run-recorded-outcome');
  await expect(recorded).toContainText('Recorded: denied — disposable email (DISPOSABLE)');
  await expect(recorded).toHaveAttribute('data-agrees', 'true');

  // Under the result, the run's trace in the trace views' waterfall: the hook, its layer, the draft.
  const spans = page.getByRole('region', { name: 'Trace' }).getByRole('treegrid', { name: 'Spans' });
  await expect(spans.getByRole('row', { name: /^hook signup\.before, / })).toBeVisible();
  await expect(spans.getByRole('row', { name: /^layer 1, / })).toBeVisible();
  await expect(spans.getByRole('row', { name: /^script draft, / })).toBeVisible();
  // Reached and walked by keyboard, as in the trace views.
  await spans.focus();
  await page.keyboard.press('ArrowDown');
  await expect(spans).toHaveAttribute('aria-activedescendant', /-row-1$/);

  // The second one was denied in production for a reason the draft does not know: it differs.
  await picker.selectOption('evt-risky-ip');
  await expect(page.getByRole('textbox', { name: 'Event (JSON)' })).toHaveValue(/ada@example\.com/);
  await expect(await scripts.run()).toHaveText('Allowed');
  await expect(recorded).toContainText('Recorded: denied — risky ip');
  await expect(recorded).toHaveAttribute('data-agrees', 'false');

  // Editing the event by hand leaves the recorded one: no recorded outcome beside the next run.
  await page.getByRole('textbox', { name: 'Event (JSON)' }).fill(JSON.stringify(signup('x@example.com')));
  await expect(picker).toHaveValue('');
  await expect(await scripts.run()).toHaveText('Allowed');
  await expect(recorded).toHaveCount(0);
});

test('says how to import recorded events when the hook has none', async ({ studioPage }) => {
  const scripts = new ScriptEditorPage(studioPage);
  const pipeline = new PipelinePage(studioPage);
  await studioPage.open();
  await pipeline.createAndAttach('signup.before', 'no-events');
  await pipeline.card('signup.before', 'no-events').press('Enter');
  await scripts.waitForEditor('no-events');
  await expect(
    studioPage.page.getByText(
      'No recorded events for signup.before yet — import some with pipeline-studio events import <file>',
    ),
  ).toBeVisible();
  await expect(studioPage.page.getByRole('combobox', { name: 'Recorded event' })).toHaveCount(0);
});
