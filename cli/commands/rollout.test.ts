import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestRuntime } from '../../core/publish/testing/runtime-process';
import { requireRealKeychain } from '../../core/secrets/testing/real-keychain';
import { exampleBundle, json, useCliSandbox } from './workspace-cli-harness';

// `rollout start|status|set|promote|abort` through the real CLI (separate processes), against a
// real reference runtime on loopback, with the real keychain (scripts/with-keyring.sh).

requireRealKeychain();

const sandbox = useCliSandbox('cli-rollout-');
const { cli } = sandbox;
const startRuntime = useTestRuntime();

interface RolloutJson {
  id: string;
  state: string;
  mode: string;
  percent: number;
  candidateVersion: number;
  guard: { maxErrorRate: number; minSamples: number };
}

describe('rollouts from the command line', { timeout: 180_000 }, () => {
  it('starts a canary through the gates, shows it, changes its share, refuses a second, promotes; abort ends a shadow', async () => {
    const runtime = await startRuntime({ studio: ['publish', 'secrets:write', 'events:read'] });
    const data = sandbox.path('ws');
    expect(cli(['import', exampleBundle, '--data', data]).code).toBe(0);
    expect(cli(['env', 'add', 'staging', '--url', runtime.url, '--data', data]).code).toBe(0);
    const stored = cli(['env', 'token', 'staging', '--data', data], { input: `${runtime.tokens.studio ?? ''}\n` });
    expect(stored.code, stored.stderr).toBe(0);

    const none = cli(['rollout', 'status', '--env', 'staging', '--data', data]);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/no rollout was ever started on staging/);
    expect(cli(['publish', '--workspace', '--env', 'staging', '--message', 'first', '--data', data]).code).toBe(0);

    // The candidate: the example with another region.
    const candidate = sandbox.path('candidate');
    cpSync(exampleBundle, candidate, { recursive: true });
    const manifest = path.join(candidate, 'pipeline.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"REGION": "eu"', '"REGION": "us"'));

    const usage = cli(['rollout', 'start', candidate, '--env', 'staging', '--percent', '0', '--data', data]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--percent must be a whole number from 1 to 100/);
    expect(
      cli(['rollout', 'start', candidate, '--env', 'staging', '--percent', '5', '--sticky-by', 'x', '--data', data])
        .code,
    ).toBe(2);
    expect(cli(['rollout', 'launch', '--env', 'staging']).code).toBe(2);

    const started = cli([
      'rollout',
      'start',
      candidate,
      '--env',
      'staging',
      '--percent',
      '20',
      '--sticky-by',
      'user.email',
      '--max-error-rate',
      '0.1',
      '--min-samples',
      '500',
      '--message',
      'us region',
      '--data',
      data,
    ]);
    expect(started.code, started.stderr).toBe(0);
    const job = json<{
      status: string;
      steps: { id: string; status: string }[];
      result: { rolloutId: string; version: number };
    }>(started);
    expect(job.steps.map((step) => step.id)).toEqual(['validate', 'secrets', 'suite', 'rollout', 'record']);
    expect(job.result.version).toBe(2);
    expect(started.stderr).toMatch(new RegExp(`rollout ${job.result.rolloutId} on staging: running`));

    const status = cli(['rollout', 'status', '--env', 'staging', '--data', data]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/canary: the candidate decides for 20% of users \(sticky by user.email\)/);
    expect(status.stdout).toMatch(/guard: error rate ≤ 10.0%/);
    expect(status.stdout).toMatch(/^\s+active\s+1\s+0\s+0\s+-/m);
    expect(status.stdout).toMatch(/^\s+candidate\s+2\s+0\s+0\s+-/m);
    expect(status.stdout).toMatch(/differences: 0/);
    const asJson = json<{ rollout: RolloutJson }>(
      cli(['rollout', 'status', '--env', 'staging', '--json', '--data', data]),
    );
    expect(asJson.rollout).toMatchObject({
      id: job.result.rolloutId,
      percent: 20,
      guard: { maxErrorRate: 0.1, minSamples: 500 },
    });

    const again = cli([
      'rollout',
      'start',
      '--workspace',
      '--env',
      'staging',
      '--percent',
      '5',
      '--shadow',
      '--data',
      data,
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/ROLLOUT_RUNNING: .*promote or abort the running rollout first/);

    const set = cli(['rollout', 'set', '--env', 'staging', '--percent', '60', '--data', data]);
    expect(set.code, set.stderr).toBe(0);
    expect(json<{ rollout: RolloutJson }>(set).rollout.percent).toBe(60);

    const promoted = cli(['rollout', 'promote', '--env', 'staging', '--data', data]);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(json(promoted)).toMatchObject({ version: 2, rollout: { state: 'promoted' } });
    const ended = cli(['rollout', 'set', '--env', 'staging', '--percent', '5', '--data', data]);
    expect(ended.code).toBe(1);
    expect(ended.stderr).toMatch(/ROLLOUT_ENDED/);

    // A shadow of the workspace's pipeline (version 1's content, now a candidate), then aborted.
    const shadow = cli([
      'rollout',
      'start',
      '--workspace',
      '--env',
      'staging',
      '--percent',
      '10',
      '--shadow',
      '--data',
      data,
    ]);
    expect(shadow.code, shadow.stderr).toBe(0);
    const aborted = cli(['rollout', 'abort', '--env', 'staging', '--data', data]);
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(json<{ rollout: RolloutJson }>(aborted).rollout).toMatchObject({ mode: 'shadow', state: 'aborted' });
    expect(aborted.stderr).toMatch(/version 2 stays active/);

    // Production asks; without a terminal --yes is required.
    expect(cli(['env', 'add', 'production', '--url', runtime.url, '--data', data]).code).toBe(0);
    const unconfirmed = cli(['rollout', 'promote', '--env', 'production', '--data', data]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/needs confirmation: pass --yes/);
  });
});
