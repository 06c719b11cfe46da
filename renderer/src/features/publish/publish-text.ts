// Pure helpers of the Publish view: what the screen says about errors, gates, steps, diffs,
// history and confirmations. No React, no client: unit-tested in publish-text.test.ts.

import type { ChannelOutput } from '@shared/contract';

export type Preview = ChannelOutput<'publish.preview'>;
export type BundleDiff = Preview['diff'];
export type Gate = Preview['gates'][number];
export type PublishProgress = ChannelOutput<'publish.progress'>;
export type PublishStep = PublishProgress['steps'][number];
export type History = ChannelOutput<'publish.history'>;
export type VersionEntry = History['versions'][number];
export type Change = BundleDiff['scripts'][number]['change'];

/** The environments whose publishes and rollbacks need the environment's name typed out. */
export function needsTypedConfirmation(environment: string): boolean {
  return environment === 'production';
}

/** The typed confirmation matches (or none is needed). */
export function confirmationMatches(environment: string, typed: string): boolean {
  return !needsTypedConfirmation(environment) || typed.trim() === environment;
}

/** A hash as people read it: its first 10 characters (a `sha256:` prefix is dropped). */
export function shortHash(hash: string): string {
  return hash.replace(/^sha256:/, '').slice(0, 10);
}

export interface ErrorAdvice {
  message: string;
  /** What to do about it, when the studio knows. */
  hint?: string;
  /** The fix is on the Secrets & environments screen. */
  settings?: boolean;
  /** The runtime moved on under us: the preview is stale and must be reviewed again. */
  reviewAgain?: boolean;
}

/** True for the error a publish gets when the runtime's bundle changed since the preview (HTTP 412). */
export function isConflict(error: { code: string; message: string }): boolean {
  return (
    /^(CONFLICT|PRECONDITION_FAILED|PIPELINE_CHANGED|REMOTE_CHANGED|STALE|STALE_PREVIEW|DRIFT)$/.test(error.code) ||
    /\b412\b/.test(error.message)
  );
}

/** A core error with what the person can do about it. */
export function errorAdvice(error: { code: string; message: string }, environment: string): ErrorAdvice {
  const { code, message } = error;
  if (isConflict(error)) {
    return {
      message: 'Someone published to this runtime meanwhile: review again.',
      ...(message && !/meanwhile/i.test(message) ? { hint: message } : {}),
      reviewAgain: true,
    };
  }
  switch (code) {
    case 'NO_RUNTIME_URL':
      return {
        message: `${environment} has no runtime URL.`,
        hint: 'Set it on Secrets & environments.',
        settings: true,
      };
    case 'NO_TOKEN':
      return {
        message: `No runtime token is stored for ${environment}.`,
        hint: 'Create one on the runtime (pipeline-studio runtime token create --scopes publish,secrets:write,events:read) and set it on Secrets & environments.',
        settings: true,
      };
    case 'RUNTIME_UNREACHABLE':
      return {
        message: message || `The runtime of ${environment} did not answer.`,
        hint: 'Check that it is running and that the runtime URL on Secrets & environments is right.',
        settings: true,
      };
    case 'RUNTIME_REFUSED':
      return {
        message: message || `The runtime of ${environment} refused the request.`,
        hint: 'Check that the token is valid and has the scopes publish, secrets:write and events:read; replace it on Secrets & environments.',
        settings: true,
      };
    case 'KEYCHAIN_UNAVAILABLE':
      return { message, hint: 'The OS keychain is not available: unlock it or start its service, then try again.' };
    case 'SECRETS_MISSING':
      return {
        message,
        // The core's message says whether pushing can help (core/publish/secret-push.ts): a publish
        // that just pushed must not be told to push again.
        hint: 'Review again: the secrets gate shows which values this machine can push and which must be set first.',
        settings: true,
        reviewAgain: true,
      };
    case 'PIPELINE_INVALID':
      return { message, hint: 'Fix the problems in the Pipeline and Scripts views, then review again.' };
    case 'CONFIRMATION_REQUIRED':
      return { message, hint: `Type ${environment} to confirm.` };
    case 'BUSY':
      return { message, hint: 'Another publish to this environment is running: wait for it, then review again.' };
    case 'IMPACT_UNREVIEWED':
      return {
        message,
        hint: 'Run the impact in the review, look at the flipped decisions and acknowledge them, then publish again.',
      };
    case 'NOTHING_TO_REPLAY':
      return {
        message,
        hint: `${environment}’s runtime captured no events in this period and no event is pinned: choose a longer period, or pin events in the Events view.`,
      };
    case 'ROLLOUT_RUNNING':
      return {
        message,
        hint: `A rollout is running on ${environment}: promote or abort it (Rollout, below) before publishing or starting another.`,
      };
    case 'NO_ROLLOUT':
    case 'ROLLOUT_ENDED':
      return { message, hint: 'The rollout is no longer running: its last state is shown in the Rollout panel.' };
    default:
      return { message };
  }
}

export type Tone = 'ok' | 'fail' | 'pending' | 'skipped' | 'running';

/** The icon and the word for a gate's or a step's status (the word is what assistive technology reads). */
export function statusMark(status: Gate['status'] | PublishStep['status']): { icon: string; text: string; tone: Tone } {
  switch (status) {
    case 'pass':
      return { icon: '✓', text: 'passed', tone: 'ok' };
    case 'fail':
      return { icon: '✗', text: 'failed', tone: 'fail' };
    case 'pending':
      return { icon: '…', text: 'pending', tone: 'pending' };
    case 'running':
      return { icon: '◌', text: 'running', tone: 'running' };
    case 'skipped':
      return { icon: '–', text: 'skipped', tone: 'skipped' };
  }
}

/** Can the preview be published: a reason why not, or null. */
export function publishBlocker(
  preview: Preview,
  form: { message: string; confirm: string; pushSecrets: boolean },
): string | null {
  if (preview.diff.identical) return 'Identical: nothing to publish.';
  const valid = preview.gates.find((gate) => gate.id === 'valid');
  if (valid?.status === 'fail') return 'The pipeline is not valid.';
  const secrets = preview.gates.find((gate) => gate.id === 'secrets');
  // The secrets step would fail whatever is pushed: this machine has no value to send for these.
  const unpushable = secrets?.status === 'fail' ? (secrets.missingLocally ?? []) : [];
  if (unpushable.length > 0) {
    return `No value for ${unpushable.join(', ')} on the runtime or in this machine’s keychain: set ${unpushable.length === 1 ? 'it' : 'them'} on Secrets & environments (or remove the name there), then review again.`;
  }
  if (secrets?.status === 'fail' && !form.pushSecrets) {
    return 'Secrets are missing on the runtime: push them from this machine’s keychain, or set them there.';
  }
  if (!form.message.trim()) return 'Write a message.';
  if (!confirmationMatches(preview.environment, form.confirm)) return `Type ${preview.environment} to confirm.`;
  return null;
}

const changeWords: Record<Change, string> = {
  added: 'added',
  removed: 'removed',
  changed: 'changed',
  unchanged: 'unchanged',
};

export function changeWord(change: Change): string {
  return changeWords[change];
}

/** Only what changes, in a stable order: added, changed, removed. */
export function changedOnly<T extends { change: Change }>(items: readonly T[]): T[] {
  const rank: Record<Change, number> = { added: 0, changed: 1, removed: 2, unchanged: 3 };
  return items.filter((item) => item.change !== 'unchanged').sort((a, b) => rank[a.change] - rank[b.change]);
}

/** One line for the diff: "2 scripts changed, 1 added · 1 hook · 1 env key · 1 secret name". */
export function diffSummary(diff: BundleDiff): string {
  if (diff.identical) return 'Identical: nothing to publish.';
  const parts: string[] = [];
  const scripts = changedOnly(diff.scripts);
  if (scripts.length) parts.push(countText(scripts.length, 'script'));
  const hooks = changedOnly(diff.hooks);
  if (hooks.length) parts.push(countText(hooks.length, 'hook'));
  const env = changedOnly(diff.env);
  if (env.length) parts.push(countText(env.length, 'env key'));
  const secrets = changedOnly(diff.secrets);
  if (secrets.length) parts.push(countText(secrets.length, 'secret name'));
  return parts.length ? `${parts.join(' · ')} to publish.` : 'Only metadata changes.';
}

function countText(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A hook's layers in one line: `a, b → c` (layers run in order, scripts of a layer in parallel). */
export function layersText(layers: readonly (readonly string[])[]): string {
  const shown = layers.filter((layer) => layer.length > 0);
  return shown.length ? shown.map((layer) => layer.join(', ')).join(' → ') : 'no layers';
}

/** History, newest first, whatever order it came in. */
export function newestFirst(versions: readonly VersionEntry[]): VersionEntry[] {
  return [...versions].sort((a, b) => b.version - a.version);
}

/** "3 imported, 1 duplicate" (and the problems, if any). */
export function pullSummary(result: { imported: number; duplicates: number; problems: readonly unknown[] }): string {
  const parts = [
    `${result.imported} imported`,
    `${result.duplicates} ${result.duplicates === 1 ? 'duplicate' : 'duplicates'}`,
  ];
  if (result.problems.length) parts.push(countText(result.problems.length, 'problem'));
  return parts.join(', ');
}

/** A job that starts a rollout has a `rollout` step where a publish has `publish`. */
export function isRolloutJob(progress: PublishProgress): boolean {
  return progress.steps.some((step) => step.id === 'rollout');
}

/** The step that failed, or is running, or the last one: what the progress headline names. */
export function progressHeadline(progress: PublishProgress): string {
  const rollout = isRolloutJob(progress);
  const noun = rollout ? 'Rollout' : 'Publish';
  if (progress.status === 'done' && progress.result) {
    const hash = shortHash(progress.result.hash);
    return rollout
      ? `Rollout of v${progress.result.version} (${hash}) started on ${progress.environment}.`
      : `Published v${progress.result.version} (${hash}) to ${progress.environment}.`;
  }
  if (progress.status === 'failed') {
    const step = progress.steps.find((candidate) => candidate.status === 'fail');
    return step ? `${noun} failed at “${step.label}”.` : `${noun} failed.`;
  }
  const running = progress.steps.find((candidate) => candidate.status === 'running');
  return running ? `${running.label}…` : rollout ? 'Starting the rollout…' : 'Publishing…';
}

/** What a history entry was: a publish, a rollback, or a rollout's promoted candidate. */
export function versionKindLabel(kind: VersionEntry['kind']): string | null {
  if (kind === 'rollout') return 'rollout';
  if (kind === 'rollback') return 'rollback';
  return null;
}
