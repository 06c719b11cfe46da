import { expect, test } from './support/fixtures';
import { PipelinePage } from './support/pipeline-page';
import { ScriptEditorPage } from './support/script-editor-page';
import { SecretsPage } from './support/secrets-page';

const broken = `-- Refuse sign-ups from a disposable mailbox provider.
local email = string.lower(event.user.email)
if email:match("@mailinator%.com$") then
  return { allow = false, reason = "disposable email", code = "DISPOSABLE" }
`;

test('author a script: template, diagnostics, versions, attach by drag and keyboard, run, secret', async ({
  studioPage,
}) => {
  // One long journey through three views (Monaco loads, a real keychain, two runs in the engine).
  test.setTimeout(90_000);
  const { page } = studioPage;
  const scripts = new ScriptEditorPage(studioPage);
  const pipeline = new PipelinePage(studioPage);
  const secrets = new SecretsPage(studioPage);
  await studioPage.open();

  // A script from the blocking template; a missing `end` is reported while typing, at its line.
  await scripts.create('block-disposable');
  await scripts.replaceText(broken);
  await expect(scripts.errorMarkers().first()).toBeVisible();
  await expect(scripts.problems.getByRole('listitem').first()).toContainText(/^Line \d+/);
  await scripts.appendText('end\nreturn { allow = true }\n');
  await scripts.checked();
  await expect(scripts.problems).toContainText('No problems');
  await expect(scripts.errorMarkers()).toHaveCount(0);

  // Two saves are two versions; the diff between them shows the added line.
  await scripts.save('Refuse mailinator', 2);
  await scripts.prependText('-- Owner: trust & safety\n');
  await scripts.save('Name the owner', 3);
  const diff = await scripts.compare(2, 3);
  await expect(diff.locator('.line-insert, .char-insert').first()).toBeVisible();
  await diff.getByRole('button', { name: 'Back to the editor' }).click();

  // A second script in signup.before, then block-disposable dragged into a new layer after it.
  await studioPage.goTo('Pipeline');
  await pipeline.createAndAttach('signup.before', 'geo-check');
  await pipeline.dragFromLibraryToNewLayer('block-disposable', 'signup.before');
  await expect(pipeline.card('signup.before', 'block-disposable')).toHaveAccessibleName(
    'block-disposable, layer 2, 1 of 1',
  );

  // Keyboard: up into layer 1 (parallel with geo-check), then first in that layer.
  await pipeline.card('signup.before', 'block-disposable').focus();
  await page.keyboard.press('Alt+ArrowUp');
  await expect(pipeline.card('signup.before', 'block-disposable')).toHaveAccessibleName(
    'block-disposable, layer 1, 2 of 2',
  );
  await expect(pipeline.announcer).toHaveText('Moved block-disposable to layer 1 of signup.before.');
  await expect(pipeline.card('signup.before', 'block-disposable')).toBeFocused();
  await page.keyboard.press('Alt+ArrowLeft');
  await expect(pipeline.card('signup.before', 'block-disposable')).toHaveAccessibleName(
    'block-disposable, layer 1, 1 of 2',
  );
  await expect(pipeline.layer('signup.before', 2)).toHaveCount(0);
  await expect(studioPage.lane('signup.before').getByRole('button', { expanded: true })).toContainText('2 scripts');

  // Run from the card: the sample event is allowed, a mailinator address is denied.
  await pipeline.card('signup.before', 'block-disposable').press('Enter');
  await scripts.waitForEditor('block-disposable');
  await expect(await scripts.run()).toHaveText('Allowed');
  const event = page.getByRole('textbox', { name: 'Event (JSON)' });
  const sample = JSON.parse(await event.inputValue()) as { user: { email: string } };
  sample.user.email = 'someone@mailinator.com';
  await event.fill(JSON.stringify(sample, null, 2));
  await expect(await scripts.run()).toHaveText('Denied: disposable email (DISPOSABLE)');

  // A secret goes to the keychain and is listed by name, never by value.
  await secrets.open();
  await secrets.set('staging', 'API_KEY', 'sk-live-e2e-7f3a9');
  const row = secrets.table('staging').getByRole('row', { name: 'API_KEY' });
  await expect(row).toContainText('set');
  await expect(secrets.table('staging')).toContainText(/Stored in \S/);
  await expect(page.getByText('sk-live-e2e-7f3a9')).toHaveCount(0);
  await expect(secrets.table('staging').getByLabel('Secret value')).toHaveValue('');
});
