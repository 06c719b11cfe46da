import { describe, expect, it } from 'vitest';
import {
  changedOnly,
  confirmationMatches,
  diffSummary,
  errorAdvice,
  isConflict,
  layersText,
  needsTypedConfirmation,
  newestFirst,
  progressHeadline,
  versionKindLabel,
  publishBlocker,
  pullSummary,
  shortHash,
  statusMark,
  type BundleDiff,
  type Preview,
  type PublishProgress,
} from './publish-text';

const emptyDiff: BundleDiff = { scripts: [], hooks: [], env: [], secrets: [], identical: false };

function preview(overrides: Partial<Preview> = {}): Preview {
  return {
    environment: 'staging',
    runtimeUrl: 'http://127.0.0.1:8787',
    local: { hash: 'sha256:abcdef0123456789', scripts: 2 },
    remote: null,
    drift: { detected: false },
    diff: { ...emptyDiff, scripts: [{ id: 'a', change: 'added', after: 'return {}' }] },
    gates: [
      { id: 'valid', label: 'Valid', status: 'pass', detail: 'no problems' },
      { id: 'secrets', label: 'Secrets on the runtime', status: 'pass', detail: 'all set' },
      { id: 'suite', label: 'Regression suite', status: 'pending', detail: 'runs on publish' },
    ],
    ...overrides,
  };
}

const form = { message: 'ship it', confirm: '', pushSecrets: false };

describe('typed confirmation', () => {
  it('is needed for production only', () => {
    expect(needsTypedConfirmation('production')).toBe(true);
    expect(needsTypedConfirmation('staging')).toBe(false);
    expect(confirmationMatches('staging', '')).toBe(true);
    expect(confirmationMatches('production', 'prod')).toBe(false);
    expect(confirmationMatches('production', ' production ')).toBe(true);
  });
});

describe('shortHash', () => {
  it('drops the algorithm and keeps 10 characters', () => {
    expect(shortHash('sha256:abcdef0123456789')).toBe('abcdef0123');
    expect(shortHash('abc')).toBe('abc');
  });
});

describe('errorAdvice', () => {
  it('says what to do for each runtime error, and where', () => {
    expect(errorAdvice({ code: 'NO_TOKEN', message: 'x' }, 'staging')).toMatchObject({
      message: 'No runtime token is stored for staging.',
      settings: true,
    });
    expect(errorAdvice({ code: 'NO_RUNTIME_URL', message: 'x' }, 'prod')).toMatchObject({
      message: 'prod has no runtime URL.',
      settings: true,
    });
    const unreachable = errorAdvice({ code: 'RUNTIME_UNREACHABLE', message: 'ECONNREFUSED' }, 'staging');
    expect(unreachable.message).toBe('ECONNREFUSED');
    expect(errorAdvice({ code: 'RUNTIME_UNREACHABLE', message: '' }, 'staging').message).toBe(
      'The runtime of staging did not answer.',
    );
    expect(unreachable.hint).toMatch(/running/);
    const refused = errorAdvice({ code: 'RUNTIME_REFUSED', message: '403' }, 'staging');
    expect(refused.hint).toMatch(/scopes publish/);
    expect(refused.settings).toBe(true);
  });

  it("points an unreviewed impact's refusal at the Impact step, and an empty period at a longer one", () => {
    const gate = errorAdvice({ code: 'IMPACT_UNREVIEWED', message: '2 flips are not acknowledged' }, 'staging');
    expect(gate.message).toBe('2 flips are not acknowledged');
    expect(gate.hint).toMatch(/acknowledge/);
    expect(gate.reviewAgain).toBeUndefined();
    const empty = errorAdvice({ code: 'NOTHING_TO_REPLAY', message: 'no events' }, 'staging');
    expect(empty.hint).toMatch(/^staging’s runtime captured no events/);
  });

  it('turns a 412 into "review again"', () => {
    expect(isConflict({ code: 'CONFLICT', message: '' })).toBe(true);
    expect(isConflict({ code: 'RUNTIME_REFUSED', message: 'the runtime answered 412' })).toBe(true);
    expect(isConflict({ code: 'RUNTIME_REFUSED', message: 'the runtime answered 403' })).toBe(false);
    const advice = errorAdvice({ code: 'PRECONDITION_FAILED', message: 'If-Match failed' }, 'staging');
    expect(advice).toMatchObject({ reviewAgain: true, message: expect.stringMatching(/meanwhile/) });
  });

  it('passes other messages through', () => {
    expect(errorAdvice({ code: 'INTERNAL', message: 'boom' }, 'staging')).toEqual({ message: 'boom' });
  });
});

describe('statusMark', () => {
  it('has an icon and a word for every status', () => {
    expect(statusMark('pass')).toEqual({ icon: '✓', text: 'passed', tone: 'ok' });
    expect(statusMark('fail').text).toBe('failed');
    expect(statusMark('pending').tone).toBe('pending');
    expect(statusMark('running').text).toBe('running');
    expect(statusMark('skipped').text).toBe('skipped');
  });
});

describe('publishBlocker', () => {
  it('lets a reviewed, valid change with a message through', () => {
    expect(publishBlocker(preview(), form)).toBeNull();
  });
  it('blocks an identical bundle, an invalid pipeline, an empty message', () => {
    expect(publishBlocker(preview({ diff: { ...emptyDiff, identical: true } }), form)).toMatch(/nothing to publish/);
    const invalid = preview();
    invalid.gates[0] = { id: 'valid', label: 'Valid', status: 'fail', detail: '2 problems' };
    expect(publishBlocker(invalid, form)).toMatch(/not valid/);
    expect(publishBlocker(preview(), { ...form, message: '  ' })).toBe('Write a message.');
  });
  it('blocks missing secrets unless they are pushed', () => {
    const missing = preview();
    missing.gates[1] = { id: 'secrets', label: 'Secrets', status: 'fail', detail: '', missing: ['API_KEY'] };
    expect(publishBlocker(missing, form)).toMatch(/Secrets are missing/);
    expect(publishBlocker(missing, { ...form, pushSecrets: true })).toBeNull();
  });
  it('blocks with the reason when a missing secret has no value on this machine either, pushed or not', () => {
    const unpushable = preview();
    unpushable.gates[1] = {
      id: 'secrets',
      label: 'Secrets',
      status: 'fail',
      detail: '',
      missing: ['API_KEY', 'OLD_KEY'],
      missingLocally: ['OLD_KEY'],
    };
    for (const pushSecrets of [false, true]) {
      expect(publishBlocker(unpushable, { ...form, pushSecrets })).toMatch(
        /^No value for OLD_KEY on the runtime or in this machine’s keychain/,
      );
    }
  });
  it('wants production typed out', () => {
    const production = preview({ environment: 'production' });
    expect(publishBlocker(production, form)).toBe('Type production to confirm.');
    expect(publishBlocker(production, { ...form, confirm: 'production' })).toBeNull();
  });
});

describe('diff helpers', () => {
  it('keeps what changes, added then changed then removed', () => {
    const items = [
      { id: 'r', change: 'removed' as const },
      { id: 'u', change: 'unchanged' as const },
      { id: 'c', change: 'changed' as const },
      { id: 'a', change: 'added' as const },
    ];
    expect(changedOnly(items).map((item) => item.id)).toEqual(['a', 'c', 'r']);
  });
  it('summarises a diff', () => {
    expect(diffSummary({ ...emptyDiff, identical: true })).toBe('Identical: nothing to publish.');
    expect(
      diffSummary({
        scripts: [
          { id: 'a', change: 'changed' },
          { id: 'b', change: 'added' },
          { id: 'c', change: 'unchanged' },
        ],
        hooks: [{ hook: 'signup.before', change: 'changed', before: [], after: [['a']] }],
        env: [],
        secrets: [{ name: 'API_KEY', change: 'added' }],
        identical: false,
      }),
    ).toBe('2 scripts · 1 hook · 1 secret name to publish.');
    expect(diffSummary(emptyDiff)).toBe('Only metadata changes.');
  });
  it('writes layers in order, parallel scripts together', () => {
    expect(layersText([['a', 'b'], ['c']])).toBe('a, b → c');
    expect(layersText([])).toBe('no layers');
    expect(layersText([[]])).toBe('no layers');
  });
});

describe('history and pull', () => {
  it('orders versions newest first', () => {
    const entry = (version: number) => ({ version, hash: 'h', publishedAt: '', publishedBy: '', message: '' });
    expect(newestFirst([entry(1), entry(3), entry(2)]).map((e) => e.version)).toEqual([3, 2, 1]);
  });
  it('counts imports, duplicates and problems', () => {
    expect(pullSummary({ imported: 3, duplicates: 1, problems: [] })).toBe('3 imported, 1 duplicate');
    expect(pullSummary({ imported: 0, duplicates: 2, problems: [{}] })).toBe('0 imported, 2 duplicates, 1 problem');
  });
});

describe('progressHeadline', () => {
  const base: PublishProgress = {
    jobId: 'j',
    environment: 'staging',
    status: 'running',
    steps: [
      { id: 'validate', label: 'Validate', status: 'pass' },
      { id: 'secrets', label: 'Secrets', status: 'running' },
    ],
  };
  it('names the running step, the failed one, or the result', () => {
    expect(progressHeadline(base)).toBe('Secrets…');
    expect(
      progressHeadline({
        ...base,
        status: 'failed',
        steps: [{ id: 'publish', label: 'Publish', status: 'fail' }],
      }),
    ).toBe('Publish failed at “Publish”.');
    expect(progressHeadline({ ...base, status: 'done', result: { version: 2, hash: 'sha256:0123456789abc' } })).toBe(
      'Published v2 (0123456789) to staging.',
    );
  });

  it('speaks of a rollout when the job has a rollout step', () => {
    const rollout: PublishProgress = {
      ...base,
      steps: [
        { id: 'validate', label: 'Validate', status: 'pass' },
        { id: 'rollout', label: 'Start the rollout', status: 'pending' },
      ],
    };
    expect(progressHeadline(rollout)).toBe('Starting the rollout…');
    expect(
      progressHeadline({ ...rollout, status: 'done', result: { version: 3, hash: 'abcdef0123456', rolloutId: 'r1' } }),
    ).toBe('Rollout of v3 (abcdef0123) started on staging.');
    expect(
      progressHeadline({ ...rollout, status: 'failed', steps: [{ id: 'rollout', label: 'Rollout', status: 'fail' }] }),
    ).toBe('Rollout failed at “Rollout”.');
  });
});

describe('versionKindLabel', () => {
  it('labels promoted rollouts and rollbacks, not plain publishes', () => {
    expect(versionKindLabel('rollout')).toBe('rollout');
    expect(versionKindLabel('rollback')).toBe('rollback');
    expect(versionKindLabel('publish')).toBeNull();
    expect(versionKindLabel(undefined)).toBeNull();
  });
});

describe('errorAdvice for publish jobs', () => {
  it('sends a refused start to the running rollout', () => {
    expect(errorAdvice({ code: 'ROLLOUT_RUNNING', message: 'a rollout is running' }, 'staging').hint).toContain(
      'promote or abort it',
    );
  });
  it('does not repeat the core’s "meanwhile" message, and sends missing secrets back to review', () => {
    expect(
      errorAdvice({ code: 'PRECONDITION_FAILED', message: 'Someone published meanwhile: review the diff again' }, 's'),
    ).toEqual({ message: 'Someone published to this runtime meanwhile: review again.', reviewAgain: true });
    expect(errorAdvice({ code: 'SECRETS_MISSING', message: 'no API_KEY' }, 's')).toMatchObject({
      message: 'no API_KEY',
      reviewAgain: true,
      settings: true,
    });
    // Right after a push, "push the values" is no advice.
    expect(errorAdvice({ code: 'SECRETS_MISSING', message: 'no API_KEY' }, 's').hint).not.toMatch(/push the values/);
  });
});
