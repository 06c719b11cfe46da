import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, type Locator, type Page } from '@playwright/test';
import { startUntilReady } from './child-process';
import type { StudioPage } from './studio-page';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(root, 'bin/pipeline-studio.mjs');

export interface RuntimeProcess {
  url: string;
  token: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** A reference runtime on a free loopback port, with a fresh data folder and a studio token. */
export async function startRuntime(): Promise<RuntimeProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'runtime-e2e-'));
  const created = await run(process.execPath, [
    cli,
    'runtime',
    'token',
    'create',
    '--scopes',
    'publish,secrets:write,events:read',
    '--name',
    'studio-e2e',
    '--data',
    dataDir,
  ]);
  const { token } = JSON.parse(created.stdout) as { token: string };
  const runtime = await startUntilReady(
    process.execPath,
    [cli, 'runtime', '--port', '0', '--data', dataDir],
    /"listening"\s*:\s*"([^"]+)"/,
    { what: 'runtime' },
  );
  return {
    url: runtime.ready,
    token,
    dataDir,
    stop: async () => {
      await runtime.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Imports a bundle folder into the running studio's workspace, as an admin would with the CLI. */
export async function importBundle(dataDir: string, bundleDir: string): Promise<void> {
  await run(process.execPath, [cli, 'import', path.join(root, bundleDir), '--data', dataDir]);
}

/** The Publish view: environment, review (diff and gates), publish, history, captured events. */
export class PublishPage {
  readonly page: Page;
  readonly environments: Locator;
  readonly preview: Locator;
  readonly steps: Locator;
  readonly history: Locator;

  constructor(readonly studio: StudioPage) {
    this.page = studio.page;
    this.environments = this.page.getByRole('group', { name: 'Environment' });
    this.preview = this.page.getByTestId('publish-preview');
    this.steps = this.page.getByRole('list', { name: 'Publish steps' });
    this.history = this.page.getByRole('region', { name: /^History of / });
  }

  /** Sets an environment's runtime URL and token on Secrets & environments. */
  async configure(environment: string, runtimeUrl: string, token: string): Promise<void> {
    await this.studio.goTo('Secrets & environments');
    await expect(this.page.locator('.secrets-view[data-view-state="ready"]')).toBeVisible();
    await this.page
      .getByRole('navigation', { name: 'Environments' })
      .getByRole('button', { name: new RegExp(`^${environment}`) })
      .click();
    const detail = this.page.getByRole('region', { name: `Environment ${environment}` });
    await detail.getByLabel('Runtime URL').fill(runtimeUrl);
    await detail.getByRole('button', { name: 'Save URL' }).click();
    await expect(detail.getByRole('status').filter({ hasText: 'Runtime URL saved.' })).toBeVisible();
    await detail.getByLabel('Runtime token').fill(token);
    await detail.getByRole('button', { name: /^(Set|Replace) token$/ }).click();
    await expect(detail.getByTestId('token-state')).toContainText('Token stored');
  }

  async open(environment: string): Promise<void> {
    const link = this.studio.sections.getByRole('button', { name: 'Publish', exact: true });
    await link.click();
    await expect(this.page.locator('.publish-view[data-view-state="ready"]')).toBeVisible();
    await this.environments.getByRole('radio', { name: new RegExp(`^${environment}\\b`) }).check();
  }

  async review(): Promise<void> {
    await this.page.getByRole('button', { name: /^Review (changes|again)$/ }).click();
    await expect(this.preview).toBeVisible();
  }

  script(scriptId: string): Locator {
    return this.page
      .getByRole('list', { name: 'Changed scripts' })
      .getByRole('listitem', { name: new RegExp(`^${scriptId} `) });
  }

  gate(id: 'valid' | 'secrets' | 'suite'): Locator {
    return this.preview.locator(`[data-gate="${id}"]`);
  }

  /** Publishes with a message and waits for the published version. */
  async publish(environment: string, message: string): Promise<void> {
    const form = this.page.getByRole('form', { name: `Publish to ${environment}` });
    await form.getByLabel('Message').fill(message);
    await form.getByRole('button', { name: `Publish to ${environment}` }).click();
    await expect(this.page.locator('.publish-progress')).toHaveAttribute('data-status', /done|failed/, {
      timeout: 20_000,
    });
    await expect(this.page.getByTestId('publish-result')).toBeVisible();
  }

  historyRow(version: number): Locator {
    return this.history.locator(`tr[data-version="${version}"]`);
  }

  async rollBack(version: number): Promise<void> {
    await this.historyRow(version)
      .getByRole('button', { name: `Roll back to v${version}` })
      .click();
    const dialog = this.page.getByRole('dialog', { name: /^Roll back / });
    await dialog.getByRole('button', { name: `Roll back to v${version}` }).click();
    await expect(dialog).toBeHidden();
  }
}
