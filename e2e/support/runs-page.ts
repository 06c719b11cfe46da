import { expect, type Download, type Locator, type Page } from '@playwright/test';
import type { StudioPage } from './studio-page';

/** Calls a contract channel from the page, as the studio's own client does in web mode. */
export async function callStudio<T = unknown>(page: Page, channel: string, input: unknown): Promise<T> {
  const answer = await page.evaluate(
    async ([name, body]) => {
      const response = await fetch(new URL(`rpc/${name}`, document.baseURI), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
    },
    [channel, input] as const,
  );
  if (!answer.ok) throw new Error(`${channel}: ${answer.error?.message}`);
  return answer.value as T;
}

/** The Replay runs view: the runs, the progress of a running one, its results and comparisons. */
export class RunsPage {
  readonly page: Page;
  readonly detail: Locator;
  readonly progress: Locator;
  readonly results: Locator;
  readonly changes: Locator;

  constructor(readonly studio: StudioPage) {
    this.page = studio.page;
    this.detail = this.page.locator('.run-detail');
    this.progress = this.page.getByRole('progressbar', { name: 'Replay progress' });
    this.results = this.page.getByRole('grid', { name: 'Replay results' });
    this.changes = this.page.getByRole('grid', { name: 'Changed events' });
  }

  async isShown(): Promise<void> {
    await expect(this.studio.sections.getByRole('button', { name: 'Replay runs', exact: true })).toHaveAttribute(
      'aria-current',
      'page',
    );
  }

  async waitForStatus(status: 'running' | 'done' | 'cancelled' | 'failed', timeout = 30_000): Promise<void> {
    await expect(this.detail).toHaveAttribute('data-run-status', status, { timeout });
  }

  resultRow(eventId: string): Locator {
    return this.results
      .getByRole('row')
      .filter({ has: this.page.getByRole('gridcell', { name: eventId, exact: true }) });
  }

  changedRow(eventId: string): Locator {
    return this.changes
      .getByRole('row')
      .filter({ has: this.page.getByRole('gridcell', { name: eventId, exact: true }) });
  }

  async showOnly(which: 'All' | 'Mismatches' | 'Errors'): Promise<void> {
    await this.page
      .getByRole('radiogroup', { name: 'Show results' })
      .getByRole('radio', { name: new RegExp(`^${which}`) })
      .check();
  }

  async export(format: 'JSON' | 'CSV'): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.detail.getByRole('button', { name: `Export ${format}` }).click();
    return download;
  }
}
