import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleHash } from '../../shared/engine/node/bundle-files';
import { createToken } from '../auth/tokens';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage';
import { api, bundleOf, signupEvent, spawnRuntime, useTempDirs } from '../testing/harness';

const tempDir = useTempDirs();

const versioned = (name: string) => ({
  ...bundleOf({ gate: `return { allow = false, reason = "${name}" }` }, { 'signup.before': { layers: [['gate']] } }),
  name,
});

describe('a runtime killed during publishes', () => {
  it('restarts with the old or the new bundle complete, and serves it', async () => {
    const dir = tempDir();
    const storage = openSqliteStorage(dir);
    const { token } = await createToken(storage, { scopes: ['publish', 'invoke'] });
    await storage.close();
    // One engine worker: the test is about storage, and each start then warms up one worker only.
    const config = path.join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ workers: 1 }));
    const attempted = new Map<string, string>();
    let lastCommitted: string | null = null;
    let commits = 0;

    for (let cycle = 0; cycle < 3; cycle++) {
      const runtime = await spawnRuntime(dir, ['--config', config]);
      let stop = false;
      let inFlight: string | undefined;
      const loop = (async () => {
        for (let i = 0; !stop; i++) {
          const health = await api(runtime.url, 'GET', '/v1/health').catch(() => undefined);
          if (!health) return;
          const active = health.json.activeHash as string | null;
          const bundle = versioned(`c${cycle}-v${i}`);
          inFlight = bundleHash(bundle);
          attempted.set(inFlight, bundle.name);
          const put = await api(runtime.url, 'PUT', '/v1/bundle', {
            token,
            headers: { 'if-match': active ? `"${active}"` : '*' },
            body: { bundle },
          }).catch(() => undefined);
          if (!put) return;
          expect(put.status).toBe(201);
          lastCommitted = inFlight;
          inFlight = undefined;
          commits++;
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 500 + cycle * 170));
      runtime.child.kill('SIGKILL');
      stop = true;
      await runtime.exited;
      await loop;

      const restarted = await spawnRuntime(dir, ['--config', config]);
      try {
        const health = await api(restarted.url, 'GET', '/v1/health');
        const activeHash = health.json.activeHash as string | null;
        // The old bundle (the last acknowledged) or the new one (the publish the kill interrupted).
        expect([lastCommitted, inFlight]).toContain(activeHash);
        lastCommitted = activeHash;
        const decision = await api(restarted.url, 'POST', '/v1/hooks/signup.before', {
          token,
          body: { event: signupEvent('a@b.co') },
        });
        if (activeHash === null) {
          // Killed before the first publish committed: nothing active, and sign-ups are allowed.
          expect(decision.json).toMatchObject({ allow: true });
          continue;
        }
        const active = await api(restarted.url, 'GET', '/v1/bundle', { token });
        // Complete: the stored bundle hashes to the active hash, and it is the one that runs.
        expect(bundleHash(active.json.bundle as never)).toBe(activeHash);
        expect(decision.json).toMatchObject({ allow: false, reason: attempted.get(activeHash) });
        const history = await api(restarted.url, 'GET', '/v1/bundle/history', { token });
        expect((history.json.versions as { hash: string }[])[0]?.hash).toBe(activeHash);
      } finally {
        restarted.child.kill('SIGTERM');
        expect(await restarted.exited).toBe(0);
      }
    }
    expect(commits).toBeGreaterThan(3);
    const db = new Database(path.join(dir, 'runtime.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }, 60_000);
});
