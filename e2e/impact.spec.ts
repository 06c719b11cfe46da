import { expect, test } from './support/fixtures';
import { createInvokeToken, ImpactPage, importPatientBundle, invokeHook, waitForCaptured } from './support/impact-page';
import { PublishPage, startRuntime, type RuntimeProcess } from './support/publish-page';
import { callStudio } from './support/runs-page';

let runtime: RuntimeProcess;

// The review must stay usable in a small window: the main area scrolls, nothing is cut off.
test.use({ viewport: { width: 1024, height: 700 } });

test.beforeEach(async () => {
  runtime = await startRuntime();
});
test.afterEach(async () => {
  await runtime.stop();
});

const signup = (email: string) => ({ user: { email }, provider: 'email', request: { ip: '203.0.113.7' } });

test('impact of a change on captured traffic: flips grouped, publish refused until acknowledged', async ({
  studio,
  studioPage,
}) => {
  test.setTimeout(120_000);
  await importPatientBundle(studio.dataDir);
  const { page } = studioPage;
  const publish = new PublishPage(studioPage);
  const impact = new ImpactPage(studioPage, 'staging');
  await studioPage.open();
  await publish.configure('staging', runtime.url, runtime.token);
  await publish.open('staging');
  await publish.review();
  await publish.publish('staging', 'First publish');
  await expect(page.getByTestId('publish-result')).toContainText('v1');

  // Real sign-ups through the runtime's hook: v1 refuses the disposable mailboxes only.
  const host = await createInvokeToken(runtime);
  const emails = ['alice@example.com', 'bob@mailinator.com', 'carol@trashmail.io', 'dave@example.org'];
  const answers = [];
  for (const email of emails) answers.push(await invokeHook(runtime, host, 'signup.before', signup(email)));
  expect(answers.map((answer) => answer.allow !== false)).toEqual([true, false, false, true]);
  await waitForCaptured(runtime, emails.length);

  // The change: mailinator.com is no longer refused, example.com now is (one flip each way).
  const script = await callStudio<{ source: string }>(page, 'scripts.get', { id: 'block-disposable' });
  const changed = script.source.replace('["mailinator.com"] = true', '["example.com"] = true');
  expect(changed).not.toBe(script.source);
  await callStudio(page, 'scripts.save', { id: 'block-disposable', source: changed, message: 'swap domains' });

  await publish.review();
  await expect(publish.script('block-disposable')).toContainText('changed');
  await expect(impact.step).toBeVisible();
  await impact.run('Last 24 hours');
  await expect(impact.headline).toHaveText('2 of 4 events changed, 2 decisions flipped.');
  await expect(impact.kind('allow → deny')).toContainText('1');
  await expect(impact.kind('deny → allow')).toContainText('1');
  await expect(impact.scriptFlips.locator('tr[data-script="block-disposable"]')).toBeVisible();
  await expect(impact.changes.getByRole('row', { name: /: allow → deny$/ })).toHaveCount(1);
  await expect(impact.changes.getByRole('row', { name: /: deny → allow$/ })).toHaveCount(1);

  // Grouped by kind: the list shows that kind only.
  await impact.kind('deny → allow').click();
  await expect(impact.kind('deny → allow')).toHaveAttribute('aria-pressed', 'true');
  await expect(impact.changes.getByRole('row', { name: /: / })).toHaveCount(1);
  const detail = await impact.openFirstChange();
  await expect(detail.getByTestId('impact-baseline')).toContainText('deny "disposable email"');
  await expect(detail.getByTestId('impact-candidate')).toHaveText('allow');
  await expect(detail).toContainText('block-disposable');
  await expect(detail.getByRole('table', { name: 'Spans of both runs' })).toContainText('block-disposable', {
    timeout: 15_000,
  });
  await page.screenshot({ path: test.info().outputPath('1-impact.png') });

  // Publishing now is refused by the impact gate.
  const form = page.getByRole('form', { name: 'Publish to staging' });
  await form.getByLabel('Message').fill('Swap the disposable domains');
  await form.getByRole('button', { name: 'Publish to staging' }).click();
  await expect(page.locator('.publish-progress')).toHaveAttribute('data-status', 'failed', { timeout: 20_000 });
  await expect(page.locator('[role="alert"][data-code="IMPACT_UNREVIEWED"]')).toContainText('not acknowledged');

  // Acknowledged with a note, the same bundle publishes.
  await impact.acknowledge('alice is a test account; mailinator is allowed now');
  await expect(publish.preview).toBeVisible();
  await publish.publish('staging', 'Swap the disposable domains');
  await expect(page.getByTestId('publish-result')).toContainText('v2');
  await expect(publish.historyRow(2)).toContainText('active');
  await page.screenshot({ path: test.info().outputPath('2-published.png') });

  // The editor's draft (still what was just published) decides the captured events as the runtime does.
  const draft = await impact.runDraftImpact('block-disposable', 'staging');
  await expect(draft.getByRole('status').filter({ hasText: /No event/ })).toHaveText(
    "No event's outcome changed (4 compared).",
  );
  await page.screenshot({ path: test.info().outputPath('3-draft.png') });
});
