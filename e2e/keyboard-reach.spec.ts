import { expect, test } from './support/fixtures';
import { EventsPage } from './support/events-page';
import { PipelinePage } from './support/pipeline-page';
import { callStudio, RunsPage } from './support/runs-page';
import { ScriptEditorPage } from './support/script-editor-page';

// The studio as a daily tool from the keyboard alone: the replay results' "open <script> at line N"
// link and the pipeline's script library.

test.describe.configure({ mode: 'default' });

const signup = (email: string) => ({ request: { ip: '203.0.113.7' }, user: { email }, provider: 'email' });

test("a replay result's link to the failing line is reached, whole, and pressed with the keyboard", async ({
  studioPage,
}) => {
  const { page } = studioPage;
  const events = new EventsPage(studioPage);
  const runs = new RunsPage(studioPage);
  const scripts = new ScriptEditorPage(studioPage);
  // The narrow window of the issue, where the link's column is at its narrowest.
  await page.setViewportSize({ width: 1024, height: 700 });
  await studioPage.open();

  // A script that fails on line 3 with a long message, so the error's text overflows its cell.
  await callStudio(page, 'scripts.create', { id: 'risk-score', template: 'blocking' });
  await callStudio(page, 'scripts.save', {
    id: 'risk-score',
    source: `local email = event.user.email\nlocal score = 0\nerror("the risk service answered nothing we could read, so the score of " .. email .. " is unknown")\nreturn { allow = true }\n`,
  });
  await callStudio(page, 'pipeline.setLayers', { hook: 'signup.before', layers: [['risk-score']] });
  await callStudio(page, 'events.import', {
    text: JSON.stringify({ id: 'evt_risk', hook: 'signup.before', event: signup('ada@example.com') }),
  });
  await events.open();
  await events.replayButton('all matching').click();
  await runs.isShown();
  await runs.waitForStatus('done');
  const row = runs.resultRow('evt_risk');
  const link = row.getByRole('button', { name: 'open risk-score at line 3' });
  await expect(link).toBeVisible();

  // Tab from the filter reaches the grid, an arrow its first row, and Tab that row's link.
  await page.getByRole('radio', { name: /^All/ }).focus();
  await page.keyboard.press('Tab');
  await expect(runs.results).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Tab');
  await expect(link).toBeFocused();

  // Whole: neither cut inside nor pushed past the edge of its cell.
  const fits = await link.evaluate((button) => {
    const cell = button.closest('[role="gridcell"]')!.getBoundingClientRect();
    const own = button.getBoundingClientRect();
    return (
      button.scrollWidth <= button.clientWidth &&
      button.scrollHeight <= button.clientHeight &&
      own.left >= cell.left &&
      own.right <= cell.right &&
      own.top >= cell.top &&
      own.bottom <= cell.bottom
    );
  });
  expect(fits).toBe(true);

  // Enter presses the link (not the row, which would open the trace): the editor shows line 3.
  await page.keyboard.press('Enter');
  await scripts.waitForEditor('risk-score');
  await expect(studioPage.sections.getByRole('button', { name: 'Scripts', exact: true })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(page.locator('.code-editor .revealed-line')).toBeVisible();
  // The revealed line's number, read from the gutter row at the same height.
  const revealedTop = await page
    .locator('.code-editor .revealed-line')
    .evaluate((line) => line.getBoundingClientRect().top);
  const numbers = await page
    .locator('.code-editor .line-numbers')
    .evaluateAll(
      (gutter, top) =>
        gutter.filter((n) => Math.abs(n.getBoundingClientRect().top - top) < 2).map((n) => n.textContent?.trim()),
      revealedTop,
    );
  expect(numbers).toEqual(['3']);
});

test('a script of the library is focused, picked up, taken to a new layer and dropped with the keyboard', async ({
  studioPage,
}) => {
  const { page } = studioPage;
  const pipeline = new PipelinePage(studioPage);
  await studioPage.open();
  await callStudio(page, 'scripts.create', { id: 'geo-check', template: 'blocking' });
  await callStudio(page, 'scripts.create', { id: 'risk-score', template: 'blocking' });
  await callStudio(page, 'pipeline.setLayers', { hook: 'signup.before', layers: [['geo-check']] });
  // Loaded again, so the studio lists the scripts made above through the contract.
  await studioPage.open();
  await studioPage.goTo('Pipeline');

  // The lane opens from its toggle, the library's filter narrows to the script, Tab reaches it.
  const toggle = studioPage.lane('signup.before').locator('button[aria-expanded]');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const library = page.getByRole('complementary', { name: 'Script library' });
  await library.getByRole('searchbox', { name: 'Filter scripts' }).focus();
  await page.keyboard.type('risk');
  await page.keyboard.press('Tab');
  const item = library.getByRole('listitem', { name: /^risk-score,/ });
  await expect(item).toBeFocused();
  expect(await item.evaluate((element) => getComputedStyle(element).outlineStyle)).not.toBe('none');

  // Space picks it up; each arrow goes to the next place, said in words, not internal ids.
  const live = page.locator('[id^="DndLiveRegion"]');
  await page.keyboard.press('Space');
  await expect(live).toHaveText('Picked up script risk-score.');
  await page.keyboard.press('ArrowDown');
  await expect(live).toHaveText('script risk-score is over signup.before, new layer 1.');
  await page.keyboard.press('ArrowDown');
  await expect(live).toHaveText('script risk-score is over signup.before, layer 1.');
  await page.keyboard.press('ArrowDown');
  await expect(live).toHaveText('script risk-score is over signup.before, new layer 2.');

  // Space drops it there: a new second layer.
  await page.keyboard.press('Space');
  await expect(live).toHaveText('Dropped script risk-score.');
  await expect(pipeline.announcer).toHaveText('Attached risk-score to a new layer 2 of signup.before.');
  await expect(pipeline.card('signup.before', 'risk-score')).toHaveAccessibleName('risk-score, layer 2, 1 of 1');
});
