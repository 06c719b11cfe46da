import type { Locator, Page } from '@playwright/test';
import type { StudioProcess } from './studio-process';

/** The studio's first screen, found the way a person using assistive technology finds it. */
export class StudioPage {
  /** The swimlane editor's hooks, grouped by lifecycle. */
  readonly hookNav: Locator;
  readonly sections: Locator;

  constructor(
    readonly page: Page,
    readonly studio: StudioProcess,
  ) {
    this.hookNav = page.getByRole('region', { name: 'Auth hooks' });
    this.sections = page.getByRole('navigation', { name: 'Studio sections' });
  }

  async goTo(section: 'Pipeline' | 'Scripts' | 'Secrets & environments'): Promise<void> {
    const link = this.sections.getByRole('button', { name: section, exact: true });
    await link.click();
    await link.and(this.page.locator('[aria-current="page"]')).waitFor();
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

  /** The lane of one hook (its list item, named "<id> (<mode>)"). */
  lane(hook: string): Locator {
    return this.hookNav.getByRole('listitem', { name: new RegExp(`^${hook.replace(/\./g, '\\.')} \\(`) });
  }
}
