import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, type Locator, type Page } from '@playwright/test';
import type { StudioPage } from './studio-page';

const run = promisify(execFile);

/** A bundle folder's scripts by id (Lua text) and its hooks' layers. */
export interface BundleSpec {
  scripts: Record<string, string>;
  layers: Record<string, string[][]>;
}

/**
 * The studio's data folder driven by the CLI, as an admin would while the studio runs: import a
 * bundle, import recorded events, replay them through the workspace's pipeline (traces stored).
 */
export class StudioCli {
  constructor(
    readonly dataDir: string,
    readonly workDir: string,
  ) {}

  private async cli(args: string[]): Promise<string> {
    // The keychain wrapper, as for the studio itself: a replay may read secrets.
    const { stdout } = await run('scripts/with-keyring.sh', [
      process.execPath,
      'bin/pipeline-studio.mjs',
      ...args,
      '--data',
      this.dataDir,
    ]);
    return stdout;
  }

  async importBundle(name: string, spec: BundleSpec): Promise<void> {
    const dir = path.join(this.workDir, name);
    mkdirSync(path.join(dir, 'scripts'), { recursive: true });
    for (const [id, source] of Object.entries(spec.scripts))
      writeFileSync(path.join(dir, 'scripts', `${id}.lua`), source);
    const manifest = {
      format: 'pipeline-studio/bundle@1',
      name: 'trace-e2e',
      scripts: Object.fromEntries(Object.keys(spec.scripts).map((id) => [id, { file: `scripts/${id}.lua` }])),
      hooks: Object.fromEntries(Object.entries(spec.layers).map(([hook, layers]) => [hook, { layers }])),
      env: {},
      secrets: [],
    };
    writeFileSync(path.join(dir, 'pipeline.json'), JSON.stringify(manifest, null, 2));
    await this.cli(['import', dir]);
  }

  async importEvents(events: object[]): Promise<void> {
    const file = path.join(this.workDir, `events-${Date.now()}.ndjson`);
    writeFileSync(file, events.map((event) => JSON.stringify(event)).join('\n') + '\n');
    await this.cli(['events', 'import', file]);
  }

  /**
   * Replays the whole library and returns its replay lines. A replay that meets a script error exits
   * 1, which is expected here. On a saturated machine the engine pool can give up starting its
   * workers (every line then says so): that replay is tried once more.
   */
  async replay(): Promise<{ id: string; ok: boolean; traceId: string; error?: { message: string } }[]> {
    for (let attempt = 1; ; attempt += 1) {
      const stdout = await this.cli(['replay', '--workspace', '--json']).catch(
        (error: { code?: number; stdout?: string }) => {
          if (error.code !== 1) throw error;
          return error.stdout ?? '';
        },
      );
      const lines = stdout
        .split('\n')
        .filter((line) => line.startsWith('{"id"'))
        .map((line) => JSON.parse(line) as { id: string; ok: boolean; traceId: string; error?: { message: string } });
      const engineDown = lines.every((line) => line.error?.message.includes('engine workers fail to start'));
      if (!engineDown || attempt === 2) return lines;
    }
  }
}

/** The Traces view: the list, one trace's waterfall, the span details, the comparison. */
export class TracesPage {
  readonly page: Page;
  readonly list: Locator;
  readonly count: Locator;
  readonly waterfall: Locator;
  readonly details: Locator;

  constructor(readonly studio: StudioPage) {
    this.page = studio.page;
    this.list = this.page.getByRole('grid', { name: 'Traces' });
    this.count = this.page.getByTestId('trace-count');
    this.waterfall = this.page.getByRole('treegrid', { name: 'Spans' });
    this.details = this.page.getByRole('region', { name: 'Span details' });
  }

  async open(): Promise<void> {
    const link = this.studio.sections.getByRole('button', { name: 'Traces', exact: true });
    await link.click();
    await link.and(this.page.locator('[aria-current="page"]')).waitFor();
  }

  /** The list's rows whose text matches (an event id, a hook, a status). */
  rows(text: string | RegExp): Locator {
    return this.list.getByRole('row', { name: text });
  }

  async openTrace(row: Locator): Promise<void> {
    await row.click();
    await expect(this.page.locator('.trace-detail[data-trace-state="ready"]')).toBeVisible();
  }

  /** A waterfall row by its accessible name: `script geo`, `layer 1`, `hook signup.before`. */
  span(name: string): Locator {
    return this.waterfall.getByRole('row', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`) });
  }

  spanRows(): Locator {
    return this.waterfall.locator('.virtual-rows-body [role="row"]');
  }

  async backToList(): Promise<void> {
    await this.page.getByRole('button', { name: '← Back to traces' }).click();
    await expect(this.page.locator('.trace-list[data-list-state="ready"]')).toBeVisible();
  }

  checkbox(row: Locator): Locator {
    return row.getByRole('checkbox');
  }
}
