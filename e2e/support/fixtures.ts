import { test as base, expect, type Page } from '@playwright/test';
import { startStudio, type StudioProcess } from './studio-process';
import { StudioPage } from './studio-page';

interface Fixtures {
  studio: StudioProcess;
  /** Console errors and uncaught exceptions of the page; every test ends by expecting none. */
  consoleErrors: string[];
  studioPage: StudioPage;
}

function collectErrors(page: Page, into: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') into.push(message.text());
  });
  page.on('pageerror', (error) => into.push(error.message));
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  studio: async ({}, use) => {
    const studio = await startStudio();
    await use(studio);
    await studio.stop();
  },
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    collectErrors(page, errors);
    await use(errors);
    expect(errors, 'console errors').toEqual([]);
  },
  studioPage: async ({ page, studio, consoleErrors }, use) => {
    void consoleErrors;
    await use(new StudioPage(page, studio));
  },
});

export { expect };
