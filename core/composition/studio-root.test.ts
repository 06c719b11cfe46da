import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { samplePayloads } from '../../shared/hooks';
import { useAuthoringHarness } from '../authoring/testing/authoring-harness';

const harness = useAuthoringHarness();
const event = samplePayloads['signup.before'];

describe('the composition root', () => {
  it('share one engine pool between runs and close it, with the workspace, on close()', async () => {
    const { call, fail, core, dir } = harness();
    const runs = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call('scripts.run', { source: `return ${i} >= 0`, hook: 'signup.before', event }),
      ),
    );
    expect(runs.every((run) => run.ok && run.decision.kind === 'allow')).toBe(true);
    await core.close();
    await core.close(); // twice is harmless
    // The workspace file was closed cleanly: its WAL was checkpointed and removed.
    expect(existsSync(path.join(dir, 'workspace.db-wal'))).toBe(false);
    expect(await fail('scripts.run', { source: 'return true', hook: 'signup.before', event })).toEqual({
      code: 'UNAVAILABLE',
      message: 'The studio core is shutting down.',
    });
    expect((await fail('scripts.list', {})).code).toBe('UNAVAILABLE');
  });

  it('closes cleanly when nothing was ever opened', async () => {
    const { core, dir } = harness();
    await core.close();
    expect(existsSync(path.join(dir, 'workspace.db'))).toBe(false);
  });
});
