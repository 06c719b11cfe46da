import { expect, type Locator, type Page } from '@playwright/test';
import type { StudioPage } from './studio-page';

/** The Events view: the event library, its filters, the editor of one event and the replay buttons. */
export class EventsPage {
  readonly page: Page;
  readonly list: Locator;
  readonly importReport: Locator;
  readonly toolbar: Locator;
  readonly dropOverlay: Locator;

  constructor(readonly studio: StudioPage) {
    this.page = studio.page;
    this.list = this.page.getByRole('grid', { name: 'Events' });
    this.importReport = this.page.getByRole('alert', { name: 'Import result' });
    this.toolbar = this.page.getByRole('toolbar', { name: 'Event actions' });
    this.dropOverlay = this.page.getByRole('status').filter({ hasText: 'Drop to import events' });
  }

  async open(): Promise<void> {
    const link = this.studio.sections.getByRole('button', { name: 'Events', exact: true });
    await link.click();
    await expect(link).toHaveAttribute('aria-current', 'page');
    await expect(this.page.locator('.events-view')).toHaveAttribute('data-view-state', 'ready');
  }

  /** Imports a file through the "Import events…" button and its file picker. */
  async importFile(path: string): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.page.getByRole('button', { name: 'Import events…' }).click();
    await (await chooser).setFiles(path);
    await expect(this.importReport).toBeVisible();
  }

  /** Drags a file over the window (the overlay shows) and drops it, as from a file manager. */
  async dropFile(name: string, text: string): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle(
      ([fileName, content]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([content], fileName, { type: 'application/x-ndjson' }));
        return transfer;
      },
      [name, text] as const,
    );
    await this.page.dispatchEvent('main', 'dragenter', { dataTransfer });
    await this.page.dispatchEvent('main', 'dragover', { dataTransfer });
    await expect(this.dropOverlay).toBeVisible();
    await this.page.dispatchEvent('main', 'drop', { dataTransfer });
    await expect(this.dropOverlay).toBeHidden();
  }

  row(eventId: string): Locator {
    return this.list.getByRole('row').filter({ has: this.page.getByRole('gridcell', { name: eventId, exact: true }) });
  }

  checkbox(eventId: string): Locator {
    return this.list.getByRole('checkbox', { name: `Select ${eventId}`, exact: true });
  }

  replayButton(which: 'selected' | 'pinned suite' | 'all matching'): Locator {
    return this.toolbar.getByRole('button', { name: new RegExp(`^Replay ${which} \\(`) });
  }

  /** The editor panel of one event (or of the new one). */
  editor(eventId: string | null): Locator {
    return this.page.getByRole('region', { name: eventId === null ? 'New event' : `Event ${eventId}` });
  }

  /** Starts "New event" for a hook: the editor opens on its sample payload. */
  async newEvent(hook: string): Promise<Locator> {
    await this.page.getByRole('button', { name: 'New event', exact: true }).click();
    const dialog = this.page.getByRole('dialog', { name: 'New event' });
    await dialog.getByRole('combobox', { name: 'Hook' }).selectOption(hook);
    await dialog.getByRole('button', { name: 'Start from the sample' }).click();
    await expect(dialog).toBeHidden();
    const editor = this.editor(null);
    await expect(editor.getByRole('textbox', { name: 'Recorded event (JSON)' })).toHaveValue(/"id": "evt_/);
    return editor;
  }
}
