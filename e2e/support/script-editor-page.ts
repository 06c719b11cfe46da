import { expect, type Locator, type Page } from '@playwright/test';
import type { StudioPage } from './studio-page';

/** The Scripts view and its Monaco editor. */
export class ScriptEditorPage {
  readonly page: Page;
  readonly editor: Locator;
  readonly problems: Locator;

  constructor(readonly studio: StudioPage) {
    this.page = studio.page;
    this.editor = this.page.locator('.code-editor .monaco-editor');
    this.problems = this.page.getByRole('region', { name: 'Problems' });
  }

  async create(scriptId: string): Promise<void> {
    await this.studio.goTo('Scripts');
    await this.page.getByRole('button', { name: 'New script' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'New script' });
    await dialog.getByRole('textbox', { name: 'Script id' }).fill(scriptId);
    await dialog.getByRole('button', { name: 'Create script' }).click();
    await expect(dialog).toBeHidden();
    await this.waitForEditor(scriptId);
  }

  async waitForEditor(scriptId: string): Promise<void> {
    // The first open downloads and parses the lazy Monaco chunk (several MB as the renderer is built
    // today): with two test workers on two cores that alone can pass the default 5 s.
    const loading = { timeout: 30_000 };
    await expect(this.page.locator(`.script-editor[data-script="${scriptId}"]`)).toBeVisible(loading);
    await expect(this.editor).toBeVisible(loading);
  }

  /** Replaces the whole text, as typed into Monaco (keyboard focus in the editor). */
  async replaceText(text: string): Promise<void> {
    await this.editor.locator('.view-lines').click();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(text);
  }

  async appendText(text: string): Promise<void> {
    await this.editor.locator('.view-lines').click();
    await this.page.keyboard.press('ControlOrMeta+End');
    await this.page.keyboard.insertText(text);
  }

  async prependText(text: string): Promise<void> {
    await this.editor.locator('.view-lines').click();
    await this.page.keyboard.press('ControlOrMeta+Home');
    await this.page.keyboard.insertText(text);
  }

  /** Waits until the debounced check has answered for the current text. */
  async checked(): Promise<void> {
    await expect(this.problems).toHaveAttribute('data-check-state', 'done');
  }

  errorMarkers(): Locator {
    return this.editor.locator('.squiggly-error');
  }

  async save(message: string, expectedVersion: number): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Version message' }).fill(message);
    await this.editor.locator('.view-lines').click();
    await this.page.keyboard.press('ControlOrMeta+S');
    await expect(this.page.getByText(`Saved as v${expectedVersion}.`)).toBeVisible();
  }

  async compare(from: number, to: number): Promise<Locator> {
    await this.page.getByRole('tab', { name: /^History/ }).click();
    await this.page.getByRole('combobox', { name: 'From' }).selectOption(String(from));
    await this.page.getByRole('combobox', { name: 'To' }).selectOption(String(to));
    await this.page.getByRole('button', { name: 'Compare versions' }).click();
    const diff = this.page.getByRole('region', { name: `Changes from v${from} to v${to}` });
    await expect(diff.locator('.monaco-diff-editor')).toBeVisible();
    return diff;
  }

  async run(): Promise<Locator> {
    await this.page.getByRole('tab', { name: 'Run' }).click();
    await this.page.getByRole('button', { name: 'Run', exact: true }).click();
    const decision = this.page.getByTestId('run-decision');
    await expect(decision).toBeVisible();
    return decision;
  }
}
