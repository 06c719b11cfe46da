import { expect, test } from './support/fixtures';
import { EventsPage } from './support/events-page';
import { callStudio, RunsPage } from './support/runs-page';

// Progress is pushed, not polled (docs/architecture.md, "Pushed events"): while a replay runs the
// page holds one Server-Sent Events stream open and reads the run's progress once, then follows it
// from the stream.

const signup = (email: string) => ({ request: { ip: '203.0.113.7' }, user: { email }, provider: 'email' });

test('a running replay reaches the page over the event stream, with no repeated progress requests', async ({
  studioPage,
}) => {
  test.setTimeout(60_000);
  const { page } = studioPage;
  const events = new EventsPage(studioPage);
  const runs = new RunsPage(studioPage);

  const progressReads: string[] = [];
  const streams: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith('/rpc/replay.progress')) progressReads.push(url.pathname);
    if (url.pathname.endsWith('/events')) streams.push(url.pathname);
  });
  const streamOpened = page.waitForResponse((response) => new URL(response.url()).pathname.endsWith('/events'));

  await studioPage.open();
  // A deliberately slow script, so that the run is seen running for a while.
  await callStudio(page, 'scripts.create', { id: 'slow-check', template: 'blocking' });
  await callStudio(page, 'scripts.save', {
    id: 'slow-check',
    source: 'local x = 0\nfor i = 1, 1000000 do x = x + i end\nreturn { allow = true }\n',
  });
  await callStudio(page, 'pipeline.setLayers', { hook: 'signup.before', layers: [['slow-check']] });
  const slow = Array.from({ length: 60 }, (_, i) =>
    JSON.stringify({ id: `slow_${i}`, hook: 'signup.before', event: signup(`user${i}@example.com`) }),
  );
  await callStudio(page, 'events.import', { text: slow.join('\n'), tags: ['slow'] });

  await events.open();
  await page.getByRole('combobox', { name: 'Tag' }).selectOption('slow');
  await expect(events.list).toHaveAttribute('aria-rowcount', '60');
  await events.replayButton('all matching').click();
  await runs.isShown();
  await runs.waitForStatus('running');

  // The page holds the token-scoped event stream open.
  const stream = await streamOpened;
  expect(stream.status()).toBe(200);
  expect(stream.headers()['content-type']).toBe('text/event-stream; charset=utf-8');
  expect(new URL(stream.url()).pathname).toBe(`/s/${studioPage.studio.token}/events`);

  // Progress between the first and the last batch can only have come from pushed events.
  await expect(runs.progress).toHaveAttribute('aria-valuenow', /^[1-9]\d?$/, { timeout: 20_000 });
  await runs.waitForStatus('done');
  await expect(runs.progress).toHaveAttribute('aria-valuenow', '100');
  await expect(runs.detail).toContainText('60 / 60 events');

  // One read when the run's view began following it, none repeated while it ran; one stream.
  expect(progressReads.length).toBeLessThanOrEqual(1);
  expect(streams).toHaveLength(1);
});
