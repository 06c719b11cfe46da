import { expect, test } from './support/fixtures';
import { importBundle, PublishPage, startRuntime, type RuntimeProcess } from './support/publish-page';
import { callStudio } from './support/runs-page';

let runtime: RuntimeProcess;

// Tall enough that the screenshots show the whole review (the main area scrolls).
test.use({ viewport: { width: 1280, height: 1500 } });

test.beforeEach(async () => {
  runtime = await startRuntime();
});
test.afterEach(async () => {
  await runtime.stop();
});

test('publish to staging through the gates, publish a change, roll back', async ({ studio, studioPage }) => {
  test.setTimeout(90_000);
  await importBundle(studio.dataDir, 'examples/acme-auth');
  const { page } = studioPage;
  const publish = new PublishPage(studioPage);
  await studioPage.open();
  await publish.configure('staging', runtime.url, runtime.token);

  // Nothing on the runtime yet: every script is added, the gates say what they can before publishing.
  await publish.open('staging');
  await expect(publish.environments.getByRole('radio', { name: /^staging/ })).toBeChecked();
  await expect(publish.environments).toContainText('token set');
  await publish.review();
  await expect(publish.preview).toContainText('Nothing published yet');
  for (const id of ['block-disposable', 'add-roles', 'audit-signup']) {
    await expect(publish.script(id)).toContainText('added');
  }
  await expect(page.getByRole('table', { name: 'Changed hooks' })).toContainText('signup.before');
  await expect(publish.gate('valid')).toHaveAttribute('data-status', 'pass');
  await expect(publish.gate('secrets')).toHaveAttribute('data-status', 'pass');
  await expect(publish.gate('suite')).toHaveAttribute('data-status', /pending|skipped/);
  await page.screenshot({ path: test.info().outputPath('1-review.png'), fullPage: true });

  await publish.publish('staging', 'First publish');
  await expect(page.getByTestId('publish-result')).toContainText('v1');
  await expect(publish.steps.getByRole('listitem', { name: /: fail$/ })).toHaveCount(0);
  await expect(publish.historyRow(1)).toContainText('First publish');
  await expect(publish.historyRow(1)).toContainText('active');

  // Reviewing again right away: identical.
  await publish.review();
  await expect(page.getByTestId('diff-summary')).toHaveText('Identical: nothing to publish.');
  await expect(page.getByRole('button', { name: 'Publish to staging' })).toBeDisabled();

  // A change to one script: the diff shows it, with the script diff on expand.
  const script = await callStudio<{ source: string }>(page, 'scripts.get', { id: 'block-disposable' });
  await callStudio(page, 'scripts.save', {
    id: 'block-disposable',
    source: `-- stricter\n${script.source}`,
    message: 'stricter',
  });
  await publish.review();
  await expect(publish.script('block-disposable')).toContainText('changed');
  await expect(publish.script('add-roles')).toHaveCount(0);
  await publish
    .script('block-disposable')
    .getByRole('button', { name: /Show the diff/ })
    .click();
  await expect(page.getByRole('region', { name: 'block-disposable: runtime ↔ this workspace' })).toBeVisible({
    timeout: 30_000,
  });
  await expect(publish.preview).toContainText('v1');
  await page.screenshot({ path: test.info().outputPath('2-change.png'), fullPage: true });

  await publish.publish('staging', 'Stricter disposable check');
  await expect(page.getByTestId('publish-result')).toContainText('v2');
  await expect(publish.historyRow(2)).toContainText('active');

  // Roll back to v1: a new version, v1's hash, active.
  await publish.rollBack(1);
  await expect(publish.history.getByRole('status')).toContainText('Rolled back to v1');
  await expect(publish.history.locator('tbody tr')).toHaveCount(3);
  await expect(publish.history.locator('tbody tr').first()).toContainText('active');
  const v1Hash = await publish.historyRow(1).locator('code').textContent();
  await expect(publish.history.locator('tbody tr').first().locator('code')).toHaveText(v1Hash ?? '');

  // Captured events: nothing was invoked, so nothing to import.
  await page.getByRole('button', { name: 'Pull captured events' }).click();
  await expect(page.getByText(/\d+ imported, \d+ duplicates?/)).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('3-history.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: test.info().outputPath('4-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  // Production is not configured: the view says so, and a review says what to do.
  await publish.environments.getByRole('radio', { name: /^production/ }).check();
  await expect(page.getByText('production needs a runtime URL and a token')).toBeVisible();
  await page.getByRole('button', { name: 'Review changes' }).click();
  const error = page.getByRole('alert').filter({ hasText: 'production has no runtime URL.' });
  await expect(error).toBeVisible();
  await error.getByRole('button', { name: 'Open Secrets & environments' }).click();
  await expect(page.getByRole('heading', { name: 'Secrets & environments' })).toBeVisible();
});
