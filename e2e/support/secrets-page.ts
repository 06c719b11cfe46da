import { expect, type Locator, type Page } from '@playwright/test';
import type { StudioPage } from './studio-page';

/** Secrets & environments. */
export class SecretsPage {
  readonly page: Page;

  constructor(readonly studio: StudioPage) {
    this.page = studio.page;
  }

  async open(): Promise<void> {
    await this.studio.goTo('Secrets & environments');
    await expect(this.page.locator('.secrets-view[data-view-state="ready"]')).toBeVisible();
  }

  table(environment: string): Locator {
    return this.page.getByRole('region', { name: `Secrets of ${environment}` });
  }

  async set(environment: string, name: string, value: string): Promise<void> {
    const form = this.table(environment).getByRole('form', { name: 'Add a secret' });
    await form.getByRole('textbox', { name: 'Secret name' }).fill(name);
    await form.getByLabel('Secret value').fill(value);
    await form.getByRole('button', { name: 'Set secret' }).click();
    await expect(this.table(environment).getByRole('row', { name })).toBeVisible();
  }
}
