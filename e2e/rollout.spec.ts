import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { createInvokeToken, importPatientBundle } from './support/impact-page';
import { PublishPage, startRuntime, type RuntimeProcess } from './support/publish-page';
import { invoke, RolloutPage, signupOf } from './support/rollout-page';
import { callStudio } from './support/runs-page';

let runtime: RuntimeProcess;

// Tall enough that the review, the rollout panel and the history show together in the screenshots.
test.use({ viewport: { width: 1280, height: 1500 } });

test.beforeEach(async () => {
  runtime = await startRuntime();
});
test.afterEach(async () => {
  await runtime.stop();
});

async function changeScript(page: Page, change: (source: string) => string) {
  const script = await callStudio<{ source: string }>(page, 'scripts.get', { id: 'block-disposable' });
  await callStudio(page, 'scripts.save', { id: 'block-disposable', source: change(script.source), message: 'change' });
}

test('a canary from the review: counts grow, the share changes, promote; a failing candidate is rolled back by the guard; a shadow shows its differences with both traces, then is aborted', async ({
  studio,
  studioPage,
}) => {
  test.setTimeout(180_000);
  // Every script may run 10 s: a run cut short by a loaded machine would count as the candidate's error.
  await importPatientBundle(studio.dataDir);
  const { page } = studioPage;
  const publish = new PublishPage(studioPage);
  const rollout = new RolloutPage(studioPage, 'staging');
  await studioPage.open();
  await publish.configure('staging', runtime.url, runtime.token);
  await publish.open('staging');
  await expect(rollout.panel).toContainText('No rollout on staging yet');
  await publish.review();
  await publish.publish('staging', 'First publish');
  await expect(page.getByTestId('publish-result')).toContainText('v1');

  // A harmless change, rolled out to half of the users.
  await changeScript(page, (source) => `-- v2: same decisions\n${source}`);
  await publish.review();
  // The settings are checked as they are typed: a share of 0 is refused, with the reason.
  await rollout.fill({ message: 'Same decisions, new comment', percent: '0' });
  await expect(rollout.form.getByText('A whole number from 1 to 100.')).toBeVisible();
  await expect(rollout.form.getByRole('button', { name: 'Start rollout on staging' })).toBeDisabled();
  await rollout.start({ message: 'Same decisions, new comment', percent: '50' });
  await expect(publish.steps.locator('[data-step="rollout"]')).toHaveAttribute('data-status', 'pass');
  await expect(rollout.state).toHaveText('running');
  await expect(rollout.panel).toContainText('Canary · 50 % · v1 → v2');

  // Real sign-ups of 24 users: each version decides for some of them, and the panel follows.
  const host = await createInvokeToken(runtime);
  const versions = new Set<number | null | undefined>();
  for (let user = 0; user < 24; user += 1) {
    versions.add((await invoke(runtime, host, 'signup.before', signupOf(user))).version);
  }
  expect([...versions].sort()).toEqual([1, 2]);
  await expect
    .poll(async () => (await rollout.runs('active')) + (await rollout.runs('candidate')), { timeout: 20_000 })
    .toBe(24);
  expect(await rollout.runs('candidate')).toBeGreaterThan(0);
  await page.screenshot({ path: test.info().outputPath('1-canary.png'), fullPage: true });

  // Every user on the candidate.
  const share = rollout.panel.getByRole('form', { name: 'Change the share' });
  await share.getByLabel('Share (%)').fill('100');
  await share.getByLabel('Share (%)').press('Enter');
  await expect(rollout.panel.getByRole('status').filter({ hasText: 'now has 100 %' })).toBeVisible();
  await expect(rollout.panel).toContainText('Canary · 100 % · v1 → v2');
  expect((await invoke(runtime, host, 'signup.before', signupOf(99))).version).toBe(2);

  // Promote: asked first, then v2 is active for everyone and the history says it came from a rollout.
  await rollout.panel.getByRole('button', { name: 'Promote' }).click();
  const dialog = page.getByRole('dialog', { name: 'Promote on staging' });
  await dialog.getByRole('button', { name: 'Promote' }).click();
  await expect(dialog).toBeHidden();
  await expect(rollout.state).toHaveText('promoted');
  await expect(rollout.banner).toContainText('Promoted');
  await expect(rollout.panel.getByRole('button', { name: 'Abort' })).toBeDisabled();
  await expect(rollout.panel).toContainText('The rollout is promoted: nothing left to steer.');
  await expect(publish.historyRow(2)).toContainText('active');
  await expect(publish.historyRow(2)).toContainText('rollout');

  // A candidate that fails on every run: the guard rolls it back once it has 5 runs.
  await changeScript(page, (source) => `error("candidate broke")\n${source}`);
  await publish.review();
  await rollout.start({ message: 'A broken candidate', percent: '100', minSamples: '5' });
  await expect(rollout.state).toHaveText('running');
  for (let user = 0; user < 5; user += 1) await invoke(runtime, host, 'signup.before', signupOf(user));
  await expect(rollout.state).toHaveText('rolled back', { timeout: 20_000 });
  await expect(rollout.banner).toHaveAttribute('role', 'alert');
  await expect(rollout.banner).toContainText('Rolled back by the guard');
  await expect(rollout.banner).toContainText(/error/i);
  // The active version decides again.
  expect((await invoke(runtime, host, 'signup.before', signupOf(1))).version).toBe(2);
  await page.screenshot({ path: test.info().outputPath('2-rolled-back.png'), fullPage: true });

  // A shadow run of a candidate that refuses example.com: every answer still comes from v2, and
  // the decision it would have changed is listed with both traces.
  await changeScript(page, (source) =>
    source.replace('error("candidate broke")\n', '').replace('["mailinator.com"] = true', '["example.com"] = true'),
  );
  await publish.review();
  await rollout.start({ message: 'Refuse example.com', mode: 'Shadow: runs beside, never answers', percent: '100' });
  await expect(rollout.state).toHaveText('running');
  const answer = await invoke(runtime, host, 'signup.before', signupOf(5));
  expect(answer).toMatchObject({ version: 2 });
  expect(answer.allow).not.toBe(false);
  await expect(rollout.panel.getByTestId('rollout-differences-count')).toContainText('1 difference: 1 allow → deny', {
    timeout: 20_000,
  });
  const difference = rollout.panel.getByRole('table', { name: 'Differences' }).locator('tbody tr');
  await expect(difference).toHaveCount(1);
  await expect(difference).toContainText('deny "disposable email"');
  await difference.getByRole('button', { name: 'Both traces' }).click();
  for (const side of [/^Trace: Active v2: allow/, /^Trace: Candidate v\d+: deny/]) {
    await expect(rollout.panel.getByRole('region', { name: side })).toHaveAttribute('data-trace-state', 'ready', {
      timeout: 15_000,
    });
  }
  await page.screenshot({ path: test.info().outputPath('3-shadow.png'), fullPage: true });

  // Abort: asked first; v2 stays.
  await rollout.panel.getByRole('button', { name: 'Abort' }).click();
  await page
    .getByRole('dialog', { name: 'Abort the rollout on staging' })
    .getByRole('button', { name: 'Abort the rollout' })
    .click();
  await expect(rollout.state).toHaveText('aborted');
  await expect(rollout.banner).toContainText('v2 stayed active');
});
