import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { channelNames, type ChannelName } from '../../shared/contract';
import { samplePayloads } from '../../shared/hooks';
import { Keychain, SecretStore } from '../secrets';
import { Workspace } from '../store';
import { requireRealKeychain } from '../secrets/testing/real-keychain';
import { unreachableKeychain, useAuthoringHarness, type AuthoringHarness } from './testing/authoring-harness';

const harness = useAuthoringHarness();
beforeAll(requireRealKeychain);

async function scriptReading(h: AuthoringHarness, id: string, names: string[]): Promise<void> {
  await h.call('scripts.create', { id, template: 'blank' });
  const reads = names.map((name, i) => `local v${i} = helpers.secret("${name}")`);
  await h.call('scripts.save', { id, source: [...reads, 'return nil'].join('\n') });
}

describe('secrets channels', () => {
  it('lists declared names, names set in the keychain and names scripts read, never values', async () => {
    const h = harness();
    await scriptReading(h, 'risk', ['IPQS_API_KEY', 'SLACK_WEBHOOK']);
    await scriptReading(h, 'notify', ['SLACK_WEBHOOK']);
    expect(await h.call('secrets.set', { environment: 'staging', name: 'IPQS_API_KEY', value: 'v-staging' })).toEqual({
      name: 'IPQS_API_KEY',
      isSet: true,
      declared: true,
      usedBy: ['risk'],
    });
    await h.call('secrets.set', { environment: 'production', name: 'OTHER_KEY', value: 'v-production' });
    expect((await h.call('pipeline.get', {})).secrets).toEqual(['IPQS_API_KEY', 'OTHER_KEY']);

    expect(await h.call('secrets.list', { environment: 'staging' })).toEqual({
      environment: 'staging',
      store: expect.stringMatching(/Secret Service|macOS Keychain|Windows Credential Manager/),
      secrets: [
        { name: 'IPQS_API_KEY', isSet: true, declared: true, usedBy: ['risk'] },
        { name: 'OTHER_KEY', isSet: false, declared: true, usedBy: [] },
        { name: 'SLACK_WEBHOOK', isSet: false, declared: false, usedBy: ['notify', 'risk'] },
      ],
    });
    const production = await h.call('secrets.list', { environment: 'production' });
    expect(production.secrets.filter((s) => s.isSet).map((s) => s.name)).toEqual(['OTHER_KEY']);
    if (process.platform === 'linux') expect(production.store).toBe('Secret Service (GNOME Keyring / KWallet)');
    expect(h.internalErrors).toEqual([]);
  });

  it('deletes a value and keeps the declaration; asks the keychain itself, not only its own record', async () => {
    const h = harness();
    await h.call('secrets.set', { environment: 'staging', name: 'API_KEY', value: 'v-1' });
    expect(await h.call('secrets.delete', { environment: 'staging', name: 'API_KEY' })).toEqual({ deleted: true });
    expect(await h.call('secrets.delete', { environment: 'staging', name: 'API_KEY' })).toEqual({ deleted: false });
    expect(await h.call('secrets.delete', { environment: 'staging', name: 'not a name' })).toEqual({ deleted: false });
    expect((await h.call('secrets.list', { environment: 'staging' })).secrets).toEqual([
      { name: 'API_KEY', isSet: false, declared: true, usedBy: [] },
    ]);

    // A value removed outside the studio (e.g. with Seahorse) shows as not set.
    await h.call('secrets.set', { environment: 'staging', name: 'API_KEY', value: 'v-2' });
    const { id } = await h.call('workspace.info', {});
    new Keychain().delete(`pipeline-studio/${id}/staging`, 'API_KEY');
    expect((await h.call('secrets.list', { environment: 'staging' })).secrets[0]?.isSet).toBe(false);

    // Set without being declared (as the CLI's `secrets set` does): listed as set, not declared;
    // once its value is gone too, nothing ties it to the pipeline and it is no longer listed.
    const workspace = Workspace.open({ dir: h.dir });
    try {
      SecretStore.forWorkspace(workspace).set('staging', 'CLI_ONLY', 'v-3');
    } finally {
      workspace.close();
    }
    expect((await h.call('secrets.list', { environment: 'staging' })).secrets).toContainEqual({
      name: 'CLI_ONLY',
      isSet: true,
      declared: false,
      usedBy: [],
    });
    new Keychain().delete(`pipeline-studio/${id}/staging`, 'CLI_ONLY');
    const names = (await h.call('secrets.list', { environment: 'staging' })).secrets.map((s) => s.name);
    expect(names).toEqual(['API_KEY']);
  });

  it('undeclares a name and removes its values from the keychain in every environment', async () => {
    const h = harness();
    await h.call('secrets.set', { environment: 'staging', name: 'OLD_KEY', value: 'v-staging' });
    await h.call('secrets.set', { environment: 'production', name: 'OLD_KEY', value: 'v-production' });
    await h.call('secrets.set', { environment: 'staging', name: 'KEPT_KEY', value: 'v-kept' });
    expect(await h.call('secrets.undeclare', { name: 'OLD_KEY' })).toEqual({
      undeclared: true,
      removedFrom: ['production', 'staging'],
    });
    expect((await h.call('pipeline.get', {})).secrets).toEqual(['KEPT_KEY']);
    const { id } = await h.call('workspace.info', {});
    for (const environment of ['staging', 'production']) {
      expect(new Keychain().get(`pipeline-studio/${id}/${environment}`, 'OLD_KEY')).toBeNull();
      const names = (await h.call('secrets.list', { environment })).secrets.map((s) => s.name);
      expect(names).not.toContain('OLD_KEY');
    }
    expect(new Keychain().get(`pipeline-studio/${id}/staging`, 'KEPT_KEY')).toBe('v-kept');
    // Again: nothing declared, nothing left to remove.
    expect(await h.call('secrets.undeclare', { name: 'OLD_KEY' })).toEqual({ undeclared: false, removedFrom: [] });
    expect((await h.fail('secrets.undeclare', { name: 'not a name' })).code).toBe('INVALID_INPUT');
    expect(h.internalErrors).toEqual([]);
  });

  it('says the keychain answers before anything is typed', async () => {
    const h = harness();
    expect(await h.call('secrets.keychain', {})).toEqual({
      store: expect.stringMatching(/Secret Service|macOS Keychain|Windows Credential Manager/),
      available: true,
      advice: null,
    });
  });

  it('answers NOT_FOUND for an unknown environment', async () => {
    const { fail } = harness();
    expect(await fail('secrets.list', { environment: 'qa' })).toEqual({
      code: 'NOT_FOUND',
      message: 'There is no environment "qa".',
    });
    expect((await fail('secrets.set', { environment: 'qa', name: 'A', value: 'v' })).code).toBe('NOT_FOUND');
    expect((await fail('secrets.delete', { environment: 'qa', name: 'A' })).code).toBe('NOT_FOUND');
  });

  it('without a keychain: KEYCHAIN_UNAVAILABLE saying what to do, and nothing is declared', async () => {
    const { call, fail, internalErrors } = harness({ keychain: unreachableKeychain() });
    const set = await fail('secrets.set', { environment: 'staging', name: 'API_KEY', value: 'v-unstored' });
    expect(set.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(set.message).toMatch(/No OS keychain is reachable.*gnome-keyring/s);
    expect(set.message).not.toContain('v-unstored');
    expect((await call('pipeline.get', {})).secrets).toEqual([]);
    await call('scripts.create', { id: 'reader', template: 'blank' });
    await call('scripts.save', { id: 'reader', source: 'return helpers.secret("API_KEY")' });
    expect((await fail('secrets.list', { environment: 'staging' })).code).toBe('KEYCHAIN_UNAVAILABLE');
    // The Secrets screen asks first: what to install, and none of the platform's D-Bus text.
    const keychain = await call('secrets.keychain', {});
    expect(keychain).toMatchObject({ available: false, advice: expect.stringMatching(/gnome-keyring/) });
    expect(keychain.advice).not.toMatch(/dbus error|autolaunch|DISPLAY/i);
    // Undeclaring cannot remove the values: the name stays declared, nothing is left behind unseen.
    await call('pipeline.get', {});
    expect((await fail('secrets.undeclare', { name: 'API_KEY' })).code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(internalErrors).toEqual([]);
  });
});

describe('a secret value set through secrets.set', () => {
  it('appears in no answer of any channel, in no file of the workspace, and is masked in run logs', async () => {
    const h = harness();
    const value = `sv-${randomUUID()}-do-not-leak`;
    const called = new Set<ChannelName>();
    const call: AuthoringHarness['call'] = (channel, input) => {
      called.add(channel);
      return h.call(channel, input);
    };
    const fail: AuthoringHarness['fail'] = (channel, input) => {
      called.add(channel);
      return h.fail(channel, input);
    };

    await call('secrets.set', { environment: 'staging', name: 'API_KEY', value });
    await call('secrets.set', { environment: 'staging', name: 'API_KEY', value }); // replacing
    // Refused inputs must not echo the value either.
    await fail('secrets.set', { environment: 'staging', name: 'bad name', value });
    await fail('secrets.set', { environment: 'staging', name: 'LONG', value: value.repeat(400) });

    const leaky = [
      'local key = helpers.secret("API_KEY")',
      'print(key)',
      'helpers.log("warn", "the key:", key)',
      'local ok, err = pcall(error, "wrapped " .. key)',
      'helpers.log(tostring(err))',
      'error("failed with " .. key)',
    ].join('\n');
    await call('scripts.create', { id: 'leaky', template: 'blocking' });
    await call('scripts.save', { id: 'leaky', source: leaky, message: 'prints the key' });
    const run = await call('scripts.run', {
      source: leaky,
      hook: 'signup.before',
      event: samplePayloads['signup.before'],
    });
    expect(run.logs.map((log) => log.message)).toEqual(['[secret]', 'the key: [secret]', 'wrapped [secret]']);
    expect(run.error).toMatchObject({
      code: 'RUNTIME_ERROR',
      message: expect.stringContaining('failed with [secret]'),
    });

    // Every other channel, so that none of their answers can carry it.
    await call('app.info', {});
    await call('hooks.list', {});
    await call('hooks.schema', { hook: 'signup.before' });
    await call('workspace.info', {});
    await call('pipeline.setLayers', { hook: 'signup.before', layers: [['leaky']] });
    await call('pipeline.setEnv', { env: { REGION: 'eu' } });
    await call('pipeline.get', {});
    await call('scripts.list', {});
    await call('scripts.get', { id: 'leaky' });
    await call('scripts.updateSettings', { id: 'leaky', onError: 'allow' });
    await call('scripts.versions', { id: 'leaky' });
    await call('scripts.restore', { id: 'leaky', version: 1 });
    await call('scripts.check', { source: leaky });
    // Generated events through the leaky script: every failure's message is in the report.
    const generated = await call('scripts.generate', { source: leaky, hook: 'signup.before', count: 5, seed: 1 });
    expect(generated.failed.length).toBeGreaterThan(0);
    await call('events.list', {});
    await call('environments.list', {});
    await call('environments.create', { name: 'qa' });
    await call('environments.update', { name: 'qa', runtimeUrl: 'https://qa.example.com' });
    await call('environments.setToken', { name: 'qa', token: 'rt-token' });
    await call('secrets.list', { environment: 'staging' });
    // The replay screens: a replay of the leaky script (again the latest) reads the value in the background.
    await call('scripts.save', { id: 'leaky', source: leaky });
    const payload = samplePayloads['signup.before'];
    await call('events.import', { text: JSON.stringify({ id: 'evt-1', hook: 'signup.before', event: payload }) });
    await call('events.save', { record: { id: 'evt-2', hook: 'signup.before', event: payload }, create: true });
    await call('events.facets', {});
    await call('events.get', { id: 'evt-1' });
    await call('events.setPinned', { ids: ['evt-1', 'evt-2'], pinned: true });
    await call('events.setTags', { id: 'evt-1', tags: ['leak'] });
    const { run: replayRun } = await call('replay.start', { selection: { kind: 'pinned' } });
    const runId = replayRun.id;
    await vi.waitFor(
      async () => {
        if ((await call('replay.progress', { runId })).status === 'running') throw new Error('still running');
      },
      { timeout: 30_000, interval: 20 },
    );
    expect(await call('replay.cancel', { runId })).toEqual({ cancelled: false });
    await call('runs.list', {});
    expect((await call('runs.results', { runId })).total).toBe(2);
    await call('runs.compare', { before: runId, after: runId, only: 'all' });
    await call('runs.export', { runId, format: 'json' });
    await call('runs.export', { runId, format: 'csv' });
    const traces = await call('traces.list', { runId });
    expect(traces.total).toBe(2);
    const { spans } = await call('traces.get', { traceId: traces.traces[0]!.traceId });
    // The script read the value and failed with it (onError allow): masked in its span.
    expect(spans.find((span) => span.kind === 'script')?.status.message).toContain('failed with [secret]');
    await call('traces.export', { traceIds: traces.traces.map((trace) => trace.traceId) });
    await call('runs.delete', { runId });
    await call('events.delete', { ids: ['evt-2'] });
    // Staging has no runtime here: the publish channels answer with their errors, which are
    // scanned too. The whole flow with pushed secret values, against a real runtime, is scanned in
    // core/publish/publish.test.ts.
    for (const channel of ['publish.preview', 'publish.history', 'events.pull'] as const) {
      expect((await fail(channel, { environment: 'staging' })).code).toBe('NO_RUNTIME_URL');
    }
    expect((await fail('publish.start', { environment: 'staging', message: 'm', pushSecrets: true })).code).toBe(
      'NO_RUNTIME_URL',
    );
    expect((await fail('publish.rollback', { environment: 'staging', version: 1 })).code).toBe('NO_RUNTIME_URL');
    expect((await fail('publish.progress', { jobId: 'none' })).code).toBe('NOT_FOUND');
    expect((await fail('impact.start', { environment: 'staging' })).code).toBe('NO_RUNTIME_URL');
    for (const channel of ['impact.progress', 'impact.changes', 'impact.cancel', 'impact.acknowledge'] as const) {
      expect((await fail(channel, { impactId: 'none' })).code).toBe('NOT_FOUND');
    }
    expect((await fail('events.acceptOutcome', { id: 'evt-1', impactId: 'none' })).code).toBe('NOT_FOUND');
    // The rollout and live tail channels (against a real runtime in core/rollout/): with no runtime
    // URL they answer with their errors; a watch pushes the error instead, also scanned here.
    for (const channel of ['rollouts.status', 'rollouts.abort', 'rollouts.promote', 'tail.start'] as const) {
      expect((await fail(channel, { environment: 'staging' })).code).toBe('NO_RUNTIME_URL');
    }
    expect((await fail('rollouts.differences', { environment: 'staging' })).code).toBe('NO_RUNTIME_URL');
    expect((await fail('rollouts.setPercent', { environment: 'staging', percent: 50 })).code).toBe('NO_RUNTIME_URL');
    expect((await fail('runtime.trace', { environment: 'staging', traceId: 'a'.repeat(32) })).code).toBe(
      'NO_RUNTIME_URL',
    );
    const watched = new Promise<string>((resolve) => {
      const stop = h.core.events.subscribe((event) => {
        if (event.name !== 'rollout.status') return;
        stop();
        resolve(JSON.stringify(event.payload));
      });
    });
    expect(await call('rollouts.watch', { environment: 'staging' })).toEqual({ watching: true });
    const status = await watched;
    expect(status).toContain('NO_RUNTIME_URL');
    expect(status).not.toContain(value);
    expect(await call('rollouts.unwatch', { environment: 'staging' })).toEqual({ watching: false });
    expect(await call('tail.stop', { tailId: 'none' })).toEqual({ stopped: false });
    await call('secrets.delete', { environment: 'staging', name: 'API_KEY' });
    await call('secrets.keychain', {});
    await call('secrets.undeclare', { name: 'API_KEY' });
    expect([...called].sort()).toEqual([...channelNames].sort());

    expect(h.responses.length).toBeGreaterThan(channelNames.length);
    for (const json of h.responses) expect(json).not.toContain(value);
    expect(h.internalErrors).toEqual([]);

    const files = readdirSync(h.dir);
    expect(files).toContain('workspace.db');
    for (const file of files) {
      const bytes = readFileSync(path.join(h.dir, file));
      expect(bytes.indexOf(Buffer.from(value, 'utf8')), file).toBe(-1);
      expect(bytes.indexOf(Buffer.from(value, 'utf16le')), file).toBe(-1);
    }
  });
});
