import type { Locator, Page } from '@playwright/test';
import type { StudioProcess } from './studio-process';

/** The studio's first screen, found the way a person using assistive technology finds it. */
export class StudioPage {
  readonly hookNav: Locator;

  constructor(
    readonly page: Page,
    readonly studio: StudioProcess,
  ) {
    this.hookNav = page.getByRole('navigation', { name: 'Auth hooks' });
  }

  async open(): Promise<void> {
    await this.page.goto(this.studio.url);
    await this.page.locator('#root[data-app-state="ready"]').waitFor();
  }

  group(label: string): Locator {
    return this.hookNav.getByRole('region', { name: label });
  }

  hookRows(): Locator {
    return this.hookNav.getByRole('listitem');
  }
}
