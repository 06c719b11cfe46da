import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, type Locator, type Page } from '@playwright/test';
import type { RuntimeProcess } from './publish-page';
import type { StudioPage } from './studio-page';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(root, 'bin/pipeline-studio.mjs');

/**
 * Imports examples/acme-auth with every script allowed the longest run there is (10 s): the impact
 * compares two runs of each event, and a run cut short by a loaded machine would show up as an
 * error the change did not cause.
 */
export async function importPatientBundle(dataDir: string): Promise<void> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'impact-bundle-'));
  try {
    cpSync(path.join(root, 'examples/acme-auth'), folder, { recursive: true });
    const manifest = path.join(folder, 'pipeline.json');
    const bundle = JSON.parse(readFileSync(manifest, 'utf8')) as { scripts: Record<string, { timeoutMs?: number }> };
    for (const script of Object.values(bundle.scripts)) script.timeoutMs = 10_000;
    writeFileSync(manifest, JSON.stringify(bundle, null, 2));
    await run(process.execPath, [cli, 'import', folder, '--data', dataDir]);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** A token of the running runtime that may invoke hooks, as the host application holds one. */
export async function createInvokeToken(runtime: RuntimeProcess): Promise<string> {
  const created = await run(process.execPath, [
    cli,
    'runtime',
    'token',
    'create',
    '--scopes',
    'invoke',
    '--name',
    'host-e2e',
    '--data',
    runtime.dataDir,
  ]);
  return (JSON.parse(created.stdout) as { token: string }).token;
}

/** A real hook call, as the host application makes it when a user signs up. */
export async function invokeHook(
  runtime: RuntimeProcess,
  token: string,
  hook: string,
  event: Record<string, unknown>,
): Promise<{ allow?: boolean; reason?: string }> {
  const response = await fetch(`${runtime.url}/v1/hooks/${hook}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event }),
  });
  expect(response.status, `POST /v1/hooks/${hook}`).toBe(200);
  return (await response.json()) as { allow?: boolean; reason?: string };
}

/** Waits until the runtime has written `count` captured events (capture runs off the answer's path). */
export async function waitForCaptured(runtime: RuntimeProcess, count: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const response = await fetch(`${runtime.url}/v1/events`, {
          headers: { authorization: `Bearer ${runtime.token}` },
        });
        const text = await response.text();
        return text.split('\n').filter((line) => line.trim()).length;
      },
      { message: 'captured events on the runtime', timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(count);
}

/** The publish review's Impact step: period, run, summary, flips by kind and script, changes. */
export class ImpactPage {
  readonly page: Page;
  readonly step: Locator;
  readonly result: Locator;
  readonly changes: Locator;
  readonly scriptFlips: Locator;

  constructor(
    readonly studio: StudioPage,
    environment: string,
  ) {
    this.page = studio.page;
    this.step = this.page.getByRole('region', { name: `Impact on ${environment}’s traffic` });
    this.result = this.step.locator('.impact-result');
    this.changes = this.step.getByRole('grid', { name: 'Changed events' });
    this.scriptFlips = this.step.getByRole('table', { name: 'Flips by script' });
  }

  /** Chooses the period and runs the impact, then waits for it to end. */
  async run(period: 'Last 24 hours' | 'Last 7 days' | 'Last 30 days'): Promise<void> {
    await this.step.getByRole('radio', { name: period }).check();
    await this.step.getByRole('button', { name: /^Run the impact/ }).click();
    await expect(this.result).toHaveAttribute('data-status', /done|failed|cancelled/, { timeout: 30_000 });
    await expect(this.result).toHaveAttribute('data-status', 'done');
  }

  get headline(): Locator {
    return this.result.getByRole('status').filter({ hasText: /events changed|No event/ });
  }

  /** A kind's count button of the summary ("allow → deny: 1"), which filters the list. */
  kind(label: string): Locator {
    return this.step
      .getByRole('group', { name: 'Changes by kind' })
      .getByRole('button', { name: new RegExp(`^${label}:`) });
  }

  /** The row of one changed event, named "<id>: <kind>". */
  row(name: RegExp): Locator {
    return this.changes.getByRole('row', { name });
  }

  /** Opens a change from the keyboard: the grid's first row, Enter. */
  async openFirstChange(): Promise<Locator> {
    await this.changes.focus();
    await this.page.keyboard.press('ArrowDown');
    await this.page.keyboard.press('Enter');
    const detail = this.step.getByRole('region', { name: /^Change of / });
    await expect(detail).toBeVisible();
    return detail;
  }

  async acknowledge(note: string): Promise<void> {
    const form = this.step.getByRole('form', { name: 'Acknowledge flips' });
    await form.getByLabel('Note (optional)').fill(note);
    await form.getByRole('button', { name: 'Acknowledge flips' }).click();
    await expect(form.getByRole('status')).toContainText('Flips acknowledged');
  }

  /** "Impact of my draft" beside the script editor's Run: runs the draft on an environment's traffic. */
  async runDraftImpact(scriptId: string, environment: string): Promise<Locator> {
    await this.studio.goTo('Scripts');
    await this.page
      .getByRole('navigation', { name: 'Scripts' })
      .getByRole('button', { name: new RegExp(`^${scriptId}\\b`) })
      .click();
    await expect(this.page.locator(`.script-editor[data-script="${scriptId}"]`)).toBeVisible({ timeout: 30_000 });
    await this.page.getByRole('button', { name: 'Impact of my draft' }).click();
    const panel = this.page.getByRole('region', { name: `Impact of the draft of ${scriptId}` });
    await panel.getByRole('combobox', { name: 'Environment' }).selectOption(environment);
    await panel.getByRole('button', { name: 'Run the impact' }).click();
    const result = panel.locator('.impact-result');
    await expect(result).toHaveAttribute('data-status', /done|failed|cancelled/, { timeout: 30_000 });
    await expect(result).toHaveAttribute('data-status', 'done');
    return panel;
  }
}
