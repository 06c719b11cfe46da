import { expect, test } from './support/fixtures';
import { ScriptEditorPage } from './support/script-editor-page';

// Leaving a script with unsaved changes asks Save / Discard / Cancel (renderer/src/app/leave-guard.ts).
test('unsaved changes: leaving asks (Cancel keeps, Discard drops, Save saves); a reload offers the draft back', async ({
  studioPage,
}) => {
  // Monaco's first load alone can take most of the default budget on two shared cores.
  test.setTimeout(90_000);
  const { page, sections } = studioPage;
  const scripts = new ScriptEditorPage(studioPage);
  const unsaved = page.getByRole('dialog', { name: 'Unsaved changes' });
  const lines = scripts.editor.locator('.view-lines');
  const pipelineLink = sections.getByRole('button', { name: 'Pipeline', exact: true });
  const scriptsLink = sections.getByRole('button', { name: 'Scripts', exact: true });
  await studioPage.open();
  await scripts.create('guarded');
  await expect(page.getByText('v1', { exact: true })).toBeVisible();

  // The side nav asks; Escape is Cancel: the draft and the screen stay.
  await scripts.appendText('--draftone\n');
  await expect(page.getByText('v1 · unsaved changes')).toBeVisible();
  await pipelineLink.click();
  await expect(unsaved).toBeVisible();
  // The modal dialog holds the focus (its first button, ×, is Cancel too).
  await expect(unsaved.locator(':focus')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(unsaved).toBeHidden();
  await expect(scriptsLink).toHaveAttribute('aria-current', 'page');
  await expect(lines).toContainText('--draftone');

  // Alt+1 asks too; Cancel keeps the text.
  await lines.click();
  await page.keyboard.press('Alt+1');
  await expect(unsaved).toBeVisible();
  await unsaved.getByRole('button', { name: 'Cancel' }).click();
  await expect(unsaved).toBeHidden();
  await expect(lines).toContainText('--draftone');

  // Discard leaves, and the script opens again as last saved.
  await pipelineLink.click();
  await unsaved.getByRole('button', { name: 'Discard' }).click();
  await expect(pipelineLink).toHaveAttribute('aria-current', 'page');
  await studioPage.goTo('Scripts');
  await scripts.waitForEditor('guarded');
  await expect(page.getByText('v1', { exact: true })).toBeVisible();
  await expect(lines).not.toContainText('--draftone');
  await expect(page.getByText('Restore unsaved changes?')).toHaveCount(0);

  // Save saves a version, then leaves.
  await scripts.appendText('--drafttwo\n');
  await page.keyboard.press('Alt+1');
  await unsaved.getByRole('button', { name: 'Save' }).click();
  await expect(pipelineLink).toHaveAttribute('aria-current', 'page');
  await studioPage.goTo('Scripts');
  await scripts.waitForEditor('guarded');
  await expect(page.getByText('v2', { exact: true })).toBeVisible();
  await expect(lines).toContainText('--drafttwo');

  // Reloading asks the browser's prompt; the draft is kept and offered back when the script opens.
  await scripts.appendText('--draftthree\n');
  await expect(page.getByText('v2 · unsaved changes')).toBeVisible();
  const reloadPrompt = page.waitForEvent('dialog');
  const reloaded = page.reload();
  const beforeReload = await reloadPrompt;
  expect(beforeReload.type()).toBe('beforeunload');
  await beforeReload.accept();
  await reloaded;
  await page.locator('#root[data-app-state="ready"]').waitFor();
  await studioPage.goTo('Scripts');
  await page
    .getByRole('navigation', { name: 'Scripts' })
    .getByRole('button', { name: /^guarded/ })
    .click();
  await scripts.waitForEditor('guarded');
  const offer = page.getByRole('alert').filter({ hasText: 'Restore unsaved changes?' });
  await offer.getByRole('button', { name: 'Restore' }).click();
  await expect(offer).toBeHidden();
  await expect(lines).toContainText('--draftthree');
  await expect(page.getByText('v2 · unsaved changes')).toBeVisible();

  // Closing the tab with unsaved changes gets the browser's own prompt.
  const prompt = page.waitForEvent('dialog');
  await page.close({ runBeforeUnload: true });
  const dialog = await prompt;
  expect(dialog.type()).toBe('beforeunload');
  await dialog.accept();
});
