import { writeFileSync } from 'node:fs';
import { expect, test } from './support/fixtures';
import { EventsPage } from './support/events-page';
import { callStudio, RunsPage } from './support/runs-page';

// What-if from the Events view (docs/replay.md, "What-if"): a fault chosen in "What if…" goes with
// the replay, the run says so in its label, and users get what the script's onError gives them.

const signup = (email: string) => ({ request: { ip: '203.0.113.7' }, user: { email }, provider: 'email' });

const library = [
  { id: 'evt_a', hook: 'signup.before', event: signup('ada@example.com'), outcome: { allow: true } },
  { id: 'evt_b', hook: 'signup.before', event: signup('bob@example.com'), outcome: { allow: true } },
]
  .map((record) => JSON.stringify(record))
  .join('\n');

test('a script made to time out in "What if…" denies every sign-up, as its onError says, in a run labelled what-if', async ({
  studioPage,
}) => {
  test.setTimeout(90_000);
  const { page } = studioPage;
  const events = new EventsPage(studioPage);
  const runs = new RunsPage(studioPage);
  const file = test.info().outputPath('library.ndjson');
  writeFileSync(file, library + '\n');

  await studioPage.open();
  await callStudio(page, 'scripts.create', { id: 'allow-all', template: 'blocking' });
  await callStudio(page, 'scripts.save', { id: 'allow-all', source: 'return { allow = true }\n', message: 'allow' });
  await callStudio(page, 'pipeline.setLayers', { hook: 'signup.before', layers: [['allow-all']] });
  // The page reads the pipeline and the scripts when it opens: open it again to see the new ones.
  await studioPage.open();
  await events.open();
  await events.importFile(file);
  await expect(events.list).toHaveAttribute('aria-rowcount', '2');

  const whatIf = page.locator('details.event-what-if');
  await whatIf.locator('summary').click();
  await whatIf.getByRole('combobox', { name: /allow-all/ }).selectOption('timeout');
  await expect(whatIf.locator('summary')).toContainText('allow-all');

  await events.replayButton('all matching').click();
  await runs.isShown();
  await runs.waitForStatus('done');
  await expect(runs.detail).toHaveAttribute('aria-label', /what-if: script=allow-all:timeout/);
  // onError is deny by default: both recorded allows now differ.
  await expect(runs.detail).toContainText('2 mismatches');
  await expect(runs.resultRow('evt_a')).toHaveClass(/result-row-mismatch/);
  await expect(runs.resultRow('evt_b')).toHaveClass(/result-row-mismatch/);
});
