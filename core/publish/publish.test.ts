import { describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../../shared/contract';
import { useAuthoringHarness, type AuthoringHarness } from '../authoring/testing/authoring-harness';
import { attachScript, denyMailinator, importEvents, signupEvents } from '../replay/testing/replay-fixtures';
import { requireRealKeychain } from '../secrets/testing/real-keychain';
import { Workspace } from '../store';
import { useTestRuntime, type TestRuntime } from './testing/runtime-process';

// The publish channels against a real reference runtime (dist/node/runtime.mjs as a child process
// on loopback), through the real router, with the real keychain (scripts/with-keyring.sh).

requireRealKeychain();

const studioScopes = ['publish', 'secrets:write', 'events:read'];
const allowAll = 'return true\n';

const harness = useAuthoringHarness();
const startRuntime = useTestRuntime();

async function setUp(environment = 'staging', scopes = studioScopes) {
  const runtime = await startRuntime({ studio: scopes, admin: ['publish', 'secrets:write', 'invoke', 'events:read'] });
  const h = harness();
  await h.call('environments.update', { name: environment, runtimeUrl: runtime.url });
  await h.call('environments.setToken', { name: environment, token: runtime.tokens.studio ?? '' });
  return { h, runtime, admin: runtime.tokens.admin ?? '' };
}

type Progress = ChannelOutput<'publish.progress'>;

/** Every publish.steps the core pushed, by job. */
function watchSteps(h: AuthoringHarness): Map<string, Progress[]> {
  const pushed = new Map<string, Progress[]>();
  h.core.events.subscribe((event) => {
    if (event.name !== 'publish.steps') return;
    const progress = event.payload as Progress;
    pushed.set(progress.jobId, [...(pushed.get(progress.jobId) ?? []), progress]);
  });
  return pushed;
}

/** Starts a publish and waits for the publish.steps that ends it; publish.progress then agrees. */
async function publishAndWait(
  h: AuthoringHarness,
  input: Parameters<AuthoringHarness['call']>[1] & { environment: string; message: string },
): Promise<Progress> {
  let jobId: string | undefined;
  let ended: Progress | undefined;
  let resolve: (progress: Progress) => void = () => {};
  const end = new Promise<Progress>((settle) => (resolve = settle));
  const stop = h.core.events.subscribe((event) => {
    const progress = event.payload as Progress;
    if (event.name !== 'publish.steps' || progress.status === 'running') return;
    ended = progress;
    if (progress.jobId === jobId) resolve(progress);
  });
  try {
    ({ jobId } = await h.call('publish.start', input));
    if (ended?.jobId === jobId) resolve(ended);
    const pushed = await end;
    expect(await h.call('publish.progress', { jobId })).toEqual(pushed);
    return pushed;
  } finally {
    stop();
  }
}

/** Publishes straight to the runtime, as someone outside this workspace would. */
async function publishDirectly(runtime: TestRuntime, token: string, source: string) {
  const health = await runtime.api('GET', '/v1/health');
  const active = health.json.activeHash as string | null;
  const answer = await runtime.api('PUT', '/v1/bundle', {
    token,
    headers: { 'if-match': active ? `"${active}"` : '*' },
    body: {
      bundle: {
        format: 'pipeline-studio/bundle@1',
        name: 'elsewhere',
        scripts: { other: { file: 'scripts/other.lua', source } },
        hooks: { 'signup.before': { layers: [['other']] } },
        env: {},
        secrets: [],
      },
      message: 'from elsewhere',
      author: 'someone-else',
    },
  });
  expect(answer.status).toBe(201);
  return answer.json as { hash: string; version: number };
}

describe('publish (against a real runtime)', () => {
  it('previews against an empty runtime, publishes, records, then previews a change', async () => {
    const { h } = await setUp();
    await attachScript(h, 'gate', 'signup.before', denyMailinator());

    const first = await h.call('publish.preview', { environment: 'staging' });
    expect(first.remote).toBeNull();
    expect(first.drift.detected).toBe(false);
    expect(first.diff.identical).toBe(false);
    expect(first.diff.scripts).toEqual([{ id: 'gate', change: 'added', after: denyMailinator() }]);
    expect(first.diff.hooks).toEqual([{ hook: 'signup.before', change: 'added', before: [], after: [['gate']] }]);
    expect(first.gates.map((gate) => [gate.id, gate.status])).toEqual([
      ['valid', 'pass'],
      ['secrets', 'pass'],
      ['suite', 'skipped'],
      // No impact of this pipeline was run on staging: the gate does not stand in the way.
      ['impact', 'skipped'],
    ]);

    const pushed = watchSteps(h);
    const done = await publishAndWait(h, { environment: 'staging', message: 'first', expectedHash: null });
    expect(done.status).toBe('done');
    // Pushed as each step changed: validate ran first while the rest waited, record ended it.
    const steps = pushed.get(done.jobId) ?? [];
    expect(steps[0]?.steps.map((step) => step.status)).toEqual(['running', 'pending', 'pending', 'pending', 'pending']);
    expect(steps.filter((progress) => progress.status !== 'running')).toEqual([done]);
    expect(done.result).toEqual({ version: 1, hash: first.local.hash });
    expect(done.steps.map((step) => step.status)).toEqual(['pass', 'pass', 'skipped', 'pass', 'pass']);
    const environments = await h.call('environments.list', {});
    expect(environments.find((e) => e.name === 'staging')?.lastPublishedHash).toBe(first.local.hash);

    await attachScript(h, 'gate', 'signup.before', denyMailinator(0, 'DISPOSABLE_V2'));
    const second = await h.call('publish.preview', { environment: 'staging' });
    expect(second.remote).toMatchObject({ hash: first.local.hash, version: 1 });
    expect(second.drift.detected).toBe(false);
    expect(second.diff.scripts[0]).toMatchObject({ id: 'gate', change: 'changed', before: denyMailinator() });
    expect(second.diff.hooks[0]?.change).toBe('unchanged');

    // A script saved after the review: what would be sent is not what was reviewed.
    await attachScript(h, 'gate', 'signup.before', denyMailinator(0, 'DISPOSABLE_V3'));
    const unreviewed = await h.fail('publish.start', {
      environment: 'staging',
      message: 'second',
      expectedHash: first.local.hash,
      reviewedHash: second.local.hash,
    });
    expect(unreviewed.code).toBe('PIPELINE_CHANGED');
    expect(unreviewed.message).toMatch(/changed since it was reviewed/);

    const history = await h.call('publish.history', { environment: 'staging' });
    expect(history.active).toEqual({ version: 1, hash: first.local.hash });
    expect(history.versions[0]).toMatchObject({ version: 1, message: 'first' });
    expect(h.internalErrors).toEqual([]);
  });

  it('fails with a clear message when someone published between the preview and the publish, and shows drift', async () => {
    const { h, runtime, admin } = await setUp();
    await attachScript(h, 'gate', 'signup.before', denyMailinator());
    expect((await publishAndWait(h, { environment: 'staging', message: 'mine' })).status).toBe('done');

    const preview = await h.call('publish.preview', { environment: 'staging' });
    await publishDirectly(runtime, admin, allowAll);
    const stale = await publishAndWait(h, {
      environment: 'staging',
      message: 'over a stale preview',
      expectedHash: preview.remote?.hash ?? null,
    });
    expect(stale.status).toBe('failed');
    expect(stale.error?.code).toBe('PRECONDITION_FAILED');
    expect(stale.error?.message).toMatch(/someone published meanwhile: review the diff again/i);
    expect(stale.steps.find((step) => step.id === 'publish')?.status).toBe('fail');

    const drifted = await h.call('publish.preview', { environment: 'staging' });
    expect(drifted.drift.detected).toBe(true);
    expect(drifted.drift.message).toMatch(/someone-else/);
    expect(drifted.remote?.publishedBy).toBe('someone-else');
  });

  it('fails the secrets gate with the missing names, and passes once pushSecrets sent them', async () => {
    const { h, runtime, admin } = await setUp();
    await attachScript(h, 'gate', 'signup.before', 'local k = helpers.secret("API_KEY")\nreturn true\n');
    await h.call('secrets.set', { environment: 'staging', name: 'API_KEY', value: 'sk-live-123' });

    const preview = await h.call('publish.preview', { environment: 'staging' });
    const gate = preview.gates.find((g) => g.id === 'secrets');
    expect(gate).toMatchObject({ status: 'fail', missing: ['API_KEY'] });
    expect(gate?.missingLocally).toBeUndefined();
    expect(gate?.detail).toMatch(/push secrets/);

    // A declared name with no value on this machine either: pushing cannot fix it, and the gate
    // says so (the publish form disables Publish with that reason).
    await h.call('secrets.set', { environment: 'staging', name: 'OLD_KEY', value: 'v-old' });
    await h.call('secrets.delete', { environment: 'staging', name: 'OLD_KEY' });
    const unfixable = (await h.call('publish.preview', { environment: 'staging' })).gates.find(
      (g) => g.id === 'secrets',
    );
    expect(unfixable).toMatchObject({ status: 'fail', missing: ['API_KEY', 'OLD_KEY'], missingLocally: ['OLD_KEY'] });

    const refused = await publishAndWait(h, { environment: 'staging', message: 'no secrets' });
    expect(refused.status).toBe('failed');
    expect(refused.error?.code).toBe('SECRETS_MISSING');
    expect(refused.error?.message).toMatch(/API_KEY/);
    expect(refused.error?.message).toMatch(/push secrets/);

    // Pushed, and still missing: the error names what this machine lacks instead of advising a push again.
    const unpushable = await publishAndWait(h, { environment: 'staging', message: 'pushed', pushSecrets: true });
    expect(unpushable.error?.code).toBe('SECRETS_MISSING');
    expect(unpushable.error?.message).toMatch(
      /has no value for: OLD_KEY\. This machine's keychain has no value for OLD_KEY/,
    );
    expect(unpushable.error?.message).not.toMatch(/push secrets/);

    // Once the name is undeclared, the gate no longer asks for it.
    await h.call('secrets.undeclare', { name: 'OLD_KEY' });
    const fixable = (await h.call('publish.preview', { environment: 'staging' })).gates.find((g) => g.id === 'secrets');
    expect(fixable).toMatchObject({ status: 'pass' });

    const pushed = await publishAndWait(h, { environment: 'staging', message: 'with secrets', pushSecrets: true });
    expect(pushed.status).toBe('done');
    expect(pushed.steps.find((step) => step.id === 'secrets')?.detail).toMatch(/1 pushed/);
    const names = await runtime.api('GET', '/v1/secrets', { token: admin });
    expect(names.json).toMatchObject({ secrets: [{ name: 'API_KEY' }] });
    // The value never appears in an answer.
    expect(h.responses.join('\n')).not.toContain('sk-live-123');
  });

  it('fails the suite gate when a pinned event no longer matches', async () => {
    const { h } = await setUp();
    await attachScript(h, 'gate', 'signup.before', allowAll);
    importEvents(h.dir, signupEvents(6), { pinned: true });

    const preview = await h.call('publish.preview', { environment: 'staging' });
    expect(preview.gates.find((g) => g.id === 'suite')?.status).toBe('pending');

    const failed = await publishAndWait(h, { environment: 'staging', message: 'allows everything' });
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('SUITE_FAILED');
    expect(failed.suiteRunId).toBeTypeOf('number');
    expect(failed.steps.map((step) => step.status)).toEqual(['pass', 'pass', 'fail', 'skipped', 'skipped']);

    await attachScript(h, 'gate', 'signup.before', denyMailinator());
    const passed = await publishAndWait(h, { environment: 'staging', message: 'the right one' });
    expect(passed.status).toBe('done');
    expect(passed.steps.find((step) => step.id === 'suite')?.status).toBe('pass');
  });

  it('asks production for confirmation, and rolls back', async () => {
    const { h } = await setUp('production');
    await attachScript(h, 'gate', 'signup.before', denyMailinator());
    const refused = await h.fail('publish.start', { environment: 'production', message: 'v1' });
    expect(refused.code).toBe('CONFIRMATION_REQUIRED');
    const wrong = await h.fail('publish.start', { environment: 'production', message: 'v1', confirm: 'prod' });
    expect(wrong.code).toBe('CONFIRMATION_REQUIRED');

    const v1 = await publishAndWait(h, { environment: 'production', message: 'v1', confirm: 'production' });
    expect(v1.status).toBe('done');
    await attachScript(h, 'gate', 'signup.before', allowAll);
    const v2 = await publishAndWait(h, { environment: 'production', message: 'v2', confirm: 'production' });
    expect(v2.result?.version).toBe(2);

    expect((await h.fail('publish.rollback', { environment: 'production', version: 1 })).code).toBe(
      'CONFIRMATION_REQUIRED',
    );
    const back = await h.call('publish.rollback', { environment: 'production', version: 1, confirm: 'production' });
    expect(back).toEqual({ version: 3, hash: v1.result?.hash });
    expect(
      (await h.fail('publish.rollback', { environment: 'production', version: 42, confirm: 'production' })).code,
    ).toBe('VERSION_NOT_FOUND');

    const history = await h.call('publish.history', { environment: 'production' });
    expect(history.active).toEqual({ version: 3, hash: v1.result?.hash });
    expect(history.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(history.versions.map((v) => v.kind)).toEqual(['rollback', 'publish', 'publish']);
    const preview = await h.call('publish.preview', { environment: 'production' });
    expect(preview.drift.detected).toBe(false);

    const workspace = Workspace.open({ dir: h.dir });
    try {
      expect(workspace.publishes.list({ environment: 'production' }).map((p) => p.message)).toEqual([
        'rollback to version 1',
        'v2',
        'v1',
      ]);
    } finally {
      workspace.close();
    }
  });

  it('answers RUNTIME_REFUSED for a token without the scope or a wrong token, NO_TOKEN and NO_RUNTIME_URL', async () => {
    const { h } = await setUp('staging', ['invoke']);
    const refused = await h.fail('publish.preview', { environment: 'staging' });
    expect(refused.code).toBe('RUNTIME_REFUSED');
    expect(refused.message).toMatch(/lacks the "publish" scope/);

    await h.call('environments.setToken', { name: 'staging', token: 'psrt_0000000000000000_wrong' });
    const wrong = await h.fail('publish.history', { environment: 'staging' });
    expect(wrong.code).toBe('RUNTIME_REFUSED');
    expect(wrong.message).toMatch(/401/);
    expect(wrong.message).not.toContain('psrt_');

    await h.call('environments.update', { name: 'production', runtimeUrl: 'http://127.0.0.1:9' });
    expect((await h.fail('publish.preview', { environment: 'production' })).code).toBe('NO_TOKEN');
    await h.call('environments.create', { name: 'qa' });
    expect((await h.fail('publish.preview', { environment: 'qa' })).code).toBe('NO_RUNTIME_URL');
    expect((await h.fail('publish.preview', { environment: 'nope' })).code).toBe('NOT_FOUND');
    await h.call('environments.setToken', { name: 'production', token: 'psrt_x_y' });
    expect((await h.fail('publish.preview', { environment: 'production' })).code).toBe('RUNTIME_UNREACHABLE');
  });

  it('pulls redacted captured events into the library with the environment as source', async () => {
    const { h, runtime, admin } = await setUp();
    await attachScript(h, 'gate', 'signup.before', denyMailinator());
    expect((await publishAndWait(h, { environment: 'staging', message: 'v1' })).status).toBe('done');
    for (const email of ['alice@example.com', 'bob@mailinator.com']) {
      const answer = await runtime.api('POST', '/v1/hooks/signup.before', {
        token: admin,
        body: { event: { user: { email }, provider: 'email', request: { ip: '203.0.113.7' } } },
      });
      expect(answer.status).toBe(200);
    }
    let pulled = { imported: 0, duplicates: 0, problems: [] as unknown[] };
    for (let attempt = 0; attempt < 50 && pulled.imported + pulled.duplicates < 2; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      pulled = await h.call('events.pull', { environment: 'staging' });
    }
    const events = await h.call('events.list', { source: 'staging' });
    expect(events.total).toBe(2);
    const emails = events.events.map((e) => (e.event.user as { email: string }).email).sort();
    expect(emails).toEqual(['a***@example.com', 'b***@mailinator.com']);
    expect(events.events.map((e) => e.event.request)).toContainEqual({ ip: '203.0.113.0' });

    const again = await h.call('events.pull', { environment: 'staging' });
    expect(again).toEqual({ imported: 0, duplicates: 2, problems: [] });
  });
});
