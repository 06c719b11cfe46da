import { expect } from 'vitest';
import { useAuthoringHarness, type AuthoringHarness } from '../../authoring/testing/authoring-harness';
import { useTestRuntime, type TestRuntime } from '../../publish/testing/runtime-process';
import { attachScript } from '../../replay/testing/replay-fixtures';
import { requireRealKeychain } from '../../secrets/testing/real-keychain';
import { adminScopes, connectEnvironment, runPublishJob, studioScopes } from './rollout-setup';

// The setup of the rollout and live tail tests: a real runtime (a child process on loopback), a
// fresh workspace through the real router and the real keychain, its staging environment pointing
// at that runtime, and where a test needs one, a first version published. Call it once at the top
// of a test file: it registers the per-test cleanup of the workspace and the runtime.

export interface RolloutFixture {
  h: AuthoringHarness;
  runtime: TestRuntime;
}

export interface PublishedFixture extends RolloutFixture {
  /** The first version, active on the runtime. */
  base: { version: number; hash: string };
}

export function useRolloutFixture() {
  requireRealKeychain();
  const harness = useAuthoringHarness();
  const startRuntime = useTestRuntime();

  /** The runtime's tokens: `studio` (the environment's), and `admin` that may also invoke. */
  async function connected(tokens: Record<string, string[]> = { studio: studioScopes, admin: adminScopes }) {
    const runtime = await startRuntime(tokens);
    const h = harness();
    await connectEnvironment(h, runtime);
    return { h, runtime } satisfies RolloutFixture;
  }

  /** Connected, with `gate` on signup.before running `source`, published to staging as the first version. */
  async function published(source: string): Promise<PublishedFixture> {
    const { h, runtime } = await connected();
    await attachScript(h, 'gate', 'signup.before', source);
    const first = await runPublishJob(h, { environment: 'staging', message: 'first' });
    expect(first.status, first.error?.message).toBe('done');
    return { h, runtime, base: first.result! };
  }

  return { connected, published };
}
