import { expect, test } from './support/fixtures';
import { createInvokeToken, importPatientBundle } from './support/impact-page';
import { PublishPage, startRuntime, type RuntimeProcess } from './support/publish-page';
import { invoke, signupOf } from './support/rollout-page';
import { TailPage } from './support/tail-page';

let runtime: RuntimeProcess;

// The smallest window the studio supports: the filters, the rows and a trace must all fit in it.
test.use({ viewport: { width: 1024, height: 700 } });

test.beforeEach(async () => {
  runtime = await startRuntime();
});
test.afterEach(async () => {
  await runtime.stop();
});

test('live tail: rows arrive as the runtime answers, filter by outcome, pause counts new rows, a row opens its trace', async ({
  studio,
  studioPage,
}) => {
  test.setTimeout(120_000);
  await importPatientBundle(studio.dataDir);
  const { page } = studioPage;
  const publish = new PublishPage(studioPage);
  const tail = new TailPage(studioPage);
  await studioPage.open();
  await publish.configure('staging', runtime.url, runtime.token);
  await publish.open('staging');
  await publish.review();
  await publish.publish('staging', 'First publish');
  await expect(page.getByTestId('publish-result')).toContainText('v1');
  const host = await createInvokeToken(runtime);
  const allow = () => invoke(runtime, host, 'signup.before', signupOf(1));
  const deny = () => invoke(runtime, host, 'signup.before', signupOf(2, 'bob@mailinator.com'));

  await tail.open('staging');
  await tail.start();
  await allow();
  await deny();
  await expect(tail.rows()).toHaveCount(2);
  await expect(tail.rows('allow')).toHaveCount(1);
  await expect(tail.rows('deny')).toContainText('disposable email');
  await expect(tail.rows('deny')).toContainText('v1');

  // Only refusals: the rows shown are narrowed at once, and the runtime sends no other outcome.
  await tail.filters.getByRole('checkbox', { name: 'deny' }).check();
  await tail.filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(tail.rows()).toHaveCount(1);
  // What the runtime answers before the new tail is open is not part of it.
  await expect(page.getByTestId('tail-phase')).toHaveText('Live on staging', { timeout: 15_000 });
  await allow();
  await deny();
  await expect(tail.rows('deny')).toHaveCount(2);
  await expect(tail.rows('allow')).toHaveCount(0);

  // Paused: what arrives is counted, not shown, until Resume.
  await tail.filters.getByRole('button', { name: 'Pause' }).click();
  await deny();
  await deny();
  await expect(page.getByTestId('tail-new')).toHaveText('2 new');
  await expect(tail.rows()).toHaveCount(2);
  await tail.filters.getByRole('button', { name: 'Resume' }).click();
  await expect(tail.rows('deny')).toHaveCount(4);
  await page.screenshot({ path: test.info().outputPath('1-tail.png') });

  // The keyboard: into the list, onto the newest row, Enter opens its trace from the runtime.
  await tail.list.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  await expect(tail.trace.locator('[data-trace-state]')).toHaveAttribute('data-trace-state', 'ready', {
    timeout: 15_000,
  });
  await expect(tail.trace.getByRole('treegrid', { name: 'Spans' })).toContainText('block-disposable');
  await page.screenshot({ path: test.info().outputPath('2-trace.png') });
  // Escape closes it, the focus still on the list.
  await page.keyboard.press('Escape');
  await expect(tail.trace).toBeHidden();
  await expect(tail.list).toBeFocused();

  await tail.filters.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('tail-phase')).toHaveText('Stopped');
});

test('live tail: filters applied again and again while the runtime is invoked keep the new tail live', async ({
  studio,
  studioPage,
}) => {
  test.setTimeout(120_000);
  await importPatientBundle(studio.dataDir);
  const { page } = studioPage;
  const publish = new PublishPage(studioPage);
  const tail = new TailPage(studioPage);
  await studioPage.open();
  await publish.configure('staging', runtime.url, runtime.token);
  await publish.open('staging');
  await publish.review();
  await publish.publish('staging', 'First publish');
  await expect(page.getByTestId('publish-result')).toContainText('v1');
  const host = await createInvokeToken(runtime);
  const state = page.locator('.tail-environment');

  await tail.open('staging');
  await tail.start();
  // Invocations keep arriving, an allow and a refusal in turn, for as long as the filters change.
  let invoking = true;
  let invoked = 0;
  const invocations = (async () => {
    while (invoking) {
      const user = 100 + invoked;
      await invoke(
        runtime,
        host,
        'signup.before',
        invoked % 2 ? signupOf(user, `u${user}@mailinator.com`) : signupOf(user),
      );
      invoked++;
    }
  })();
  try {
    // Each Apply stops the old tail and starts the new one together; nothing waits for the new
    // one to be live before the next Apply but the button itself (disabled while connecting).
    const swaps: string[][] = [['deny'], ['allow'], [], ['deny'], ['allow', 'deny'], ['allow'], [], ['deny']];
    for (const outcomes of swaps) {
      await expect(state, 'the tail before this Apply').not.toHaveAttribute('data-tail-state', /failed|ended|stopped/);
      await tail.applyOutcomes(outcomes);
    }
    // The last tail (refusals only) lives on: refusals that finish after it opened still arrive.
    await expect(page.getByTestId('tail-phase')).toHaveText('Live on staging', { timeout: 15_000 });
    // Paused, what arrives is counted (the list is virtualized and keeps at most 5,000 rows, so
    // the rows drawn cannot tell).
    await tail.filters.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByTestId('tail-new')).not.toHaveText('0 new', { timeout: 15_000 });
    await tail.filters.getByRole('button', { name: 'Resume' }).click();
    await expect(tail.rows('allow')).toHaveCount(0);
    await expect(state).toHaveAttribute('data-tail-state', 'live');
    await expect(page.getByText(/broke/)).toHaveCount(0);
  } finally {
    invoking = false;
    await invocations;
  }
});
