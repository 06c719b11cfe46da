import { expect, test } from './support/fixtures';
import { EventsPage } from './support/events-page';
import { authCall, startHostApp, type HostApp } from './support/host-app';
import { importBundle, PublishPage } from './support/publish-page';
import { RunsPage } from './support/runs-page';

// The whole loop with a real auth server: the studio publishes to the runtime embedded in the
// better-auth example host, real sign-ups and sign-ins run the pipeline, and the events the runtime
// captured come back into the studio, where they replay with no mismatch.

let host: HostApp;
test.beforeEach(async () => {
  host = await startHostApp();
});
test.afterEach(async () => {
  await host.stop();
});

test('events captured from real better-auth calls replay in the studio with no mismatch', async ({
  studio,
  studioPage,
}) => {
  test.setTimeout(120_000);
  await importBundle(studio.dataDir, 'examples/better-auth-host/pipeline');
  const { page } = studioPage;
  const publish = new PublishPage(studioPage);
  await studioPage.open();
  await publish.configure('staging', host.runtime, host.token);
  await publish.open('staging');
  await publish.review();
  await publish.publish('staging', 'First publish to the example host');
  await expect(page.getByTestId('publish-result')).toContainText('v1');

  const password = 'correct horse battery staple';
  const refused = await authCall(host, 'sign-up/email', { email: 'eve@mailinator.com', password, name: 'Eve' });
  expect(refused).toMatchObject({
    status: 403,
    body: { code: 'DISPOSABLE', message: 'disposable email addresses are not accepted' },
  });
  const signedUp = await authCall(host, 'sign-up/email', { email: 'ada@example.com', password, name: 'Ada' });
  expect(signedUp.status).toBe(200);
  expect(signedUp.body.user).toMatchObject({ email: 'ada@example.com', plan: 'team' });
  expect((await authCall(host, 'sign-in/email', { email: 'ada@example.com', password })).status).toBe(200);

  // The runtime writes what it captured in the background (the .after hooks too): wait for all of it.
  await expect
    .poll(
      async () => {
        const response = await fetch(`${host.runtime}/v1/events?limit=1000`, {
          headers: { authorization: `Bearer ${host.token}` },
        });
        return (await response.text()).split('\n').filter((line) => line.trim()).length;
      },
      { timeout: 15_000 },
    )
    .toBe(8);

  await page.getByRole('button', { name: 'Pull captured events' }).click();
  await expect(page.getByText('8 imported, 0 duplicates')).toBeVisible();

  const events = new EventsPage(studioPage);
  const runs = new RunsPage(studioPage);
  await events.open();
  await expect(events.list.getByRole('row', { name: /signup\.before/ })).toHaveCount(2);
  await events.replayButton('all matching').click();
  await runs.isShown();
  await runs.waitForStatus('done');
  await runs.showOnly('Mismatches');
  await expect(runs.detail).toContainText('No mismatches');
  await runs.showOnly('Errors');
  await expect(runs.detail).toContainText('No errors');
  await runs.showOnly('All');
  await expect(runs.results.getByRole('row')).toHaveCount(9);
  await page.screenshot({ path: test.info().outputPath('replayed-host-events.png'), fullPage: true });
});
