import { test, expect } from './support/fixtures';
import { SecretsPage } from './support/secrets-page';
import { startStudio } from './support/studio-process';
import { StudioPage } from './support/studio-page';

// The Secrets screen as a new admin meets it: a name added by mistake can be removed (with its
// values, in every environment), and a machine without a keychain is said before anything is typed.

test('a declared secret name is removed after a confirmation, its values with it', async ({ studioPage, page }) => {
  const secrets = new SecretsPage(studioPage);
  await studioPage.open();
  await secrets.open();
  await secrets.set('staging', 'OLD_KEY', 'v-old-e2e');
  const row = secrets.table('staging').getByRole('row', { name: 'OLD_KEY' });
  await expect(row).toContainText('set');

  await row.getByRole('button', { name: 'Remove OLD_KEY' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove OLD_KEY?' });
  await expect(dialog).toContainText('removed from the keychain in every environment');
  await dialog.getByRole('button', { name: 'Remove name and values' }).click();
  await expect(row).toHaveCount(0);

  // Not in production either, where it showed as "missing".
  await page
    .getByRole('navigation', { name: 'Environments' })
    .getByRole('button', { name: /^production/ })
    .click();
  await expect(secrets.table('production')).toHaveAttribute('data-secrets-state', 'ready');
  await expect(secrets.table('production').getByRole('row', { name: 'OLD_KEY' })).toHaveCount(0);
});

test('without a keychain: what to install, before anything is typed, and Set disabled', async ({ page }) => {
  const studio = await startStudio({ keychain: 'none' });
  try {
    const studioPage = new StudioPage(page, studio);
    const secrets = new SecretsPage(studioPage);
    await studioPage.open();
    await secrets.open();
    const warning = page.locator('[data-keychain="unavailable"]');
    await expect(warning).toContainText('No keychain to keep secret values in');
    await expect(warning).toContainText('gnome-keyring');
    await expect(page.getByText(/dbus error|autolaunch|org\.freedesktop/i)).toHaveCount(0);
    const form = secrets.table('staging').getByRole('form', { name: 'Add a secret' });
    await expect(form.getByRole('button', { name: 'Set secret' })).toBeDisabled();
  } finally {
    await studio.stop();
  }
});
