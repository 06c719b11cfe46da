import { expect, type Locator, type Page } from '@playwright/test';
import type { StudioPage } from './studio-page';

/** The Live tail screen: environment, filters, Start/Stop, Pause/Resume, the rows, a row's trace. */
export class TailPage {
  readonly page: Page;
  readonly view: Locator;
  readonly filters: Locator;
  readonly status: Locator;
  readonly list: Locator;
  readonly trace: Locator;

  constructor(readonly studio: StudioPage) {
    this.page = studio.page;
    this.view = this.page.locator('.tail-view');
    this.filters = this.page.getByRole('form', { name: 'Tail filters' });
    this.status = this.view.locator('.tail-status');
    this.list = this.page.getByRole('grid', { name: 'Invocations' });
    this.trace = this.page.getByRole('region', { name: 'Trace of the chosen invocation' });
  }

  /** Opens the screen with its keyboard shortcut, as a keyboard user would. */
  async open(environment: string): Promise<void> {
    await this.page.keyboard.press('Alt+8');
    await expect(this.page.locator('.tail-view[data-view-state="ready"]')).toBeVisible();
    await this.view.getByLabel('Environment').selectOption(environment);
  }

  async start(): Promise<void> {
    await this.filters.getByRole('button', { name: 'Start' }).click();
    await expect(this.page.getByTestId('tail-phase')).toHaveText(/^Live on /, { timeout: 15_000 });
  }

  /**
   * Sets the outcome boxes to exactly `outcomes` and applies them (the running tail is swapped for
   * a new one). Waits only for the button to be there and enabled, not for the new tail to be live.
   */
  async applyOutcomes(outcomes: readonly string[]): Promise<void> {
    for (const outcome of ['allow', 'deny', 'data', 'accepted', 'error']) {
      await this.filters.getByRole('checkbox', { name: outcome }).setChecked(outcomes.includes(outcome));
    }
    await this.filters.getByRole('button', { name: 'Apply filters' }).click();
  }

  /** Rows of one outcome (rows are named "<time> <hook>: <outcome>"). */
  rows(outcome?: string): Locator {
    const rows = this.list.locator('.virtual-rows-body [role="row"]');
    return outcome ? rows.filter({ has: this.page.locator(`[data-outcome="${outcome}"]`) }) : rows;
  }
}
