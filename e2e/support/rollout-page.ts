import { expect, type Locator, type Page } from '@playwright/test';
import type { RuntimeProcess } from './publish-page';
import type { StudioPage } from './studio-page';

/** A sign-up as the host application sends it, from one user (the canary's sticky key). */
export function signupOf(user: number, email = `user${user}@example.com`): Record<string, unknown> {
  return { user: { id: `user-${user}`, email }, provider: 'email', request: { ip: '203.0.113.7' } };
}

/** A real hook call; the answer names the version that decided it. */
export async function invoke(
  runtime: RuntimeProcess,
  token: string,
  hook: string,
  event: Record<string, unknown>,
): Promise<{ allow?: boolean; reason?: string; version?: number | null }> {
  const response = await fetch(`${runtime.url}/v1/hooks/${hook}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event }),
  });
  expect(response.status, `POST /v1/hooks/${hook}`).toBe(200);
  return (await response.json()) as { allow?: boolean; reason?: string; version?: number | null };
}

export interface RolloutSettings {
  message: string;
  mode?: 'Canary: a share of users' | 'Shadow: runs beside, never answers';
  percent?: string;
  minSamples?: string;
}

/** The publish form's "Start rollout…" and the environment's Rollout panel. */
export class RolloutPage {
  readonly page: Page;
  readonly form: Locator;
  readonly panel: Locator;
  readonly state: Locator;
  readonly stats: Locator;
  readonly banner: Locator;

  constructor(
    readonly studio: StudioPage,
    readonly environment: string,
  ) {
    this.page = studio.page;
    this.form = this.page.getByRole('form', { name: `Publish to ${environment}` });
    this.panel = this.page.getByRole('region', { name: `Rollout on ${environment}` });
    this.state = this.panel.getByTestId('rollout-state');
    this.stats = this.panel.getByRole('table', { name: 'Both versions' });
    this.banner = this.panel.getByTestId('rollout-banner');
  }

  /** Chooses "Start rollout…" in the reviewed form and fills its settings (not started yet). */
  async fill(settings: RolloutSettings): Promise<void> {
    await this.form.getByRole('radio', { name: /^Start rollout…/ }).check();
    const options = this.form.getByRole('group', { name: 'Rollout' });
    if (settings.mode) await options.getByLabel('Mode').selectOption({ label: settings.mode });
    if (settings.percent) await options.getByLabel('Share (%)').fill(settings.percent);
    if (settings.minSamples) await options.getByLabel('Min samples').fill(settings.minSamples);
    await this.form.getByLabel('Message').fill(settings.message);
  }

  /** Starts the filled rollout and waits for the publish job to end. */
  async start(settings: RolloutSettings): Promise<void> {
    await this.fill(settings);
    await this.form.getByRole('button', { name: `Start rollout on ${this.environment}` }).click();
    await expect(this.page.locator('.publish-progress')).toHaveAttribute('data-status', /done|failed/, {
      timeout: 20_000,
    });
    await expect(this.page.getByTestId('publish-result')).toContainText('Rolling out');
  }

  /** Runs counted on one side, as the panel shows them. */
  async runs(side: 'active' | 'candidate'): Promise<number> {
    return Number(await this.stats.getByTestId(`${side}-runs`).textContent());
  }
}
