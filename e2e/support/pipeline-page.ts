import { expect, type Locator, type Page } from '@playwright/test';
import type { StudioPage } from './studio-page';

/** The swimlane editor. */
export class PipelinePage {
  readonly page: Page;
  readonly announcer: Locator;

  constructor(readonly studio: StudioPage) {
    this.page = studio.page;
    this.announcer = this.page.getByTestId('pipeline-announcer');
  }

  async expand(hook: string): Promise<Locator> {
    const lane = this.studio.lane(hook);
    const toggle = lane.locator('button[aria-expanded]');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    return lane;
  }

  card(hook: string, scriptId: string): Locator {
    return this.studio.lane(hook).getByRole('button', { name: new RegExp(`^${scriptId}, layer`) });
  }

  layer(hook: string, index: number): Locator {
    return this.studio.lane(hook).getByRole('group', { name: `Layer ${index} of ${hook}` });
  }

  /** Creates a script from the hook's template through the picker; it lands in a new last layer. */
  async createAndAttach(hook: string, scriptId: string): Promise<void> {
    const lane = await this.expand(hook);
    await lane.getByRole('button', { name: `Add a script to ${hook} in a new layer` }).click();
    const dialog = this.page.getByRole('dialog', { name: `Add a script to ${hook}` });
    await expect(dialog.getByRole('tab', { name: 'New script' })).toHaveAttribute('aria-selected', 'true');
    await dialog.getByRole('textbox', { name: 'Script id' }).fill(scriptId);
    await dialog.getByRole('button', { name: 'Create script' }).click();
    await expect(dialog).toBeHidden();
    await expect(this.card(hook, scriptId)).toBeVisible();
  }

  /**
   * Drags a script of the library onto the "new layer" zone after the hook's last layer, with real
   * pointer events (dnd-kit starts a drag after a few pixels of movement).
   */
  async dragFromLibraryToNewLayer(scriptId: string, hook: string): Promise<void> {
    const source = this.page.getByRole('complementary', { name: 'Script library' }).getByRole('listitem', {
      name: new RegExp(`^${scriptId},`),
    });
    const target = this.studio.lane(hook).locator('.ghost-final');
    const from = await source.boundingBox();
    if (!from) throw new Error('the library item is not visible');
    await this.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(from.x + from.width / 2 + 12, from.y + from.height / 2, { steps: 4 });
    await expect(target).toHaveClass(/ghost-open/);
    const to = await target.boundingBox();
    if (!to) throw new Error('the drop zone is not visible');
    await this.page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await expect(target).toHaveClass(/ghost-over/);
    await this.page.mouse.up();
  }
}
