import { ContractError, type ChannelOutput } from '../../shared/contract';
import type { Bundle, SecretProvider } from '../../shared/engine';
import { toContractError } from '../contract-errors';
import type { Workspace } from '../store';
import { bundleHash } from '../../shared/engine/node/bundle-files';
import { acknowledgementText, impactGate, validGate, type ImpactReview } from './gates';
import { publishAuthor, PublishStop } from './publish-rules';
import { RuntimeRequestError, type RolloutRequest, type RuntimeClient } from './runtime-client';
import type { RolloutView } from './runtime-rollout-answers';
import { secretsStep } from './secret-push';
import { suiteStep, type SuiteReplays } from './suite-gate';

// One publish job's steps, in order: validate → secrets → suite → publish → record, or for a
// rollout (docs/publish.md, "Rollouts") validate → secrets → suite → rollout → record: the same
// gates, then POST /v1/rollouts instead of PUT /v1/bundle, with the same If-Match. The impact
// gate (core/publish/gates.ts) is judged at the start of the publish (rollout) step, just before the request,
// so that an impact acknowledged while the suite ran counts; its acknowledgements go into the
// message the runtime's history and the workspace's record keep. Each step goes
// pending → running → pass/fail/skipped; the first failure ends the job with its code and message
// and marks the steps after it skipped. `changed` is called after every change of the progress,
// so the job can push it (publish.steps).

/** What the runtime keeps of a publish's message (runtime/server/schemas.ts). */
const maxMessageLength = 2000;

export type PublishProgress = ChannelOutput<'publish.progress'>;
type Step = PublishProgress['steps'][number];

export interface PublishWork {
  /** Kept for the job: it records its publish even while the studio closes. */
  workspace: Workspace;
  client: RuntimeClient;
  bundle: Bundle;
  expectedHash: string | null;
  message: string;
  pushSecrets: boolean;
  /** Start this rollout of the bundle instead of publishing it. */
  rollout?: RolloutRequest;
}

export interface PublishStepsDeps {
  /** The keychain's values of an environment, read only to push them. */
  secretsFor(environment: string): SecretProvider;
  replayJobs: SuiteReplays;
  /** True once the core is closing: the job stops before its publish request. */
  isClosing(): boolean;
  /** The latest impact of the environment for this bundle hash, or null (core/impact/impact-jobs.ts). */
  impactReview(environment: string, hash: string): ImpactReview | null;
}

export function initialSteps(environment: string, rollout?: RolloutRequest): Step[] {
  const send: Step = rollout
    ? {
        id: 'rollout',
        label: `Start a ${rollout.mode} rollout on ${environment} (${rollout.percent}%)`,
        status: 'pending',
      }
    : { id: 'publish', label: `Publish to ${environment}`, status: 'pending' };
  return [
    { id: 'validate', label: 'Pipeline is valid', status: 'pending' },
    { id: 'secrets', label: 'Secrets are set on the runtime', status: 'pending' },
    { id: 'suite', label: 'Pinned regression suite passes', status: 'pending' },
    send,
    { id: 'record', label: 'Record in the workspace history', status: 'pending' },
  ];
}

/** Runs the steps; never throws: a failure ends the progress as `failed`. */
export async function runPublishSteps(
  deps: PublishStepsDeps,
  progress: PublishProgress,
  work: PublishWork,
  changed: () => void,
): Promise<void> {
  const name = progress.environment;
  const step = (id: Step['id']) => progress.steps.find((entry) => entry.id === id) as Step;
  const set = (id: Step['id'], status: Step['status'], detail?: string) => {
    const entry = step(id);
    entry.status = status;
    if (detail !== undefined) entry.detail = detail;
    changed();
  };
  let current: Step['id'] = 'validate';
  try {
    set('validate', 'running');
    const valid = await validGate(work.bundle);
    set('validate', valid.status === 'pass' ? 'pass' : 'fail', valid.detail);
    if (valid.status !== 'pass') throw new PublishStop('PIPELINE_INVALID', valid.detail);

    current = 'secrets';
    set('secrets', 'running');
    await secretsStep(
      { ...work, environment: name },
      () => deps.secretsFor(name),
      (status, detail) => set('secrets', status, detail),
    );

    current = 'suite';
    set('suite', 'running');
    await suiteStep(deps.replayJobs, { ...work, environment: name }, progress, (status, detail) =>
      set('suite', status, detail),
    );

    current = work.rollout ? 'rollout' : 'publish';
    if (deps.isClosing()) {
      throw new PublishStop(
        'UNAVAILABLE',
        `The studio closed before ${work.rollout ? 'starting the rollout' : 'publishing'}; nothing was sent.`,
      );
    }
    set(current, 'running');
    const review = deps.impactReview(name, bundleHash(work.bundle));
    const impact = impactGate(name, review);
    if (impact.status === 'fail')
      throw new PublishStop('IMPACT_UNREVIEWED', `Not ${work.rollout ? 'rolled out' : 'published'}: ${impact.detail}.`);
    const message = withAcknowledgements(work.message, review);
    if (work.rollout) {
      const started = await rolloutStep({ ...work, rollout: work.rollout, message }, progress, set);
      current = 'record';
      set('record', 'running');
      const record = work.workspace.publishes.record({
        environment: name,
        hash: started.baseHash,
        author: publishAuthor(),
        message: rolloutRecordMessage(
          `rollout ${started.id} started (${started.mode} ${started.percent}%, candidate version ${started.candidateVersion} ${started.candidateHash.slice(0, 12)})`,
          message,
        ),
      });
      progress.status = 'done';
      set('record', 'pass', `workspace entry #${record.version} of ${name}: rollout started`);
      return;
    }
    const answer = await sendRequest(
      () =>
        work.client.publish({
          bundle: work.bundle,
          expectedHash: work.expectedHash,
          message,
          author: publishAuthor(),
        }),
      name,
    );
    progress.result = { version: answer.version, hash: answer.hash };
    set(
      'publish',
      'pass',
      answer.changed
        ? `version ${answer.version} is active`
        : `no change: version ${answer.version} was already active`,
    );

    current = 'record';
    set('record', 'running');
    const environment = work.workspace.environments.get(name);
    if (answer.changed || environment?.lastPublishedHash !== answer.hash) {
      const record = work.workspace.publishes.record({
        environment: name,
        hash: answer.hash,
        author: publishAuthor(),
        message,
      });
      progress.status = 'done';
      set('record', 'pass', `workspace publish #${record.version} of ${name}`);
    } else {
      progress.status = 'done';
      set('record', 'skipped', 'nothing new to record');
    }
  } catch (error) {
    const failure =
      error instanceof PublishStop
        ? { code: error.code, message: error.message }
        : describe(toContractError(error, ['KEYCHAIN_UNAVAILABLE', 'STORE_UNAVAILABLE', 'NOT_FOUND']));
    const entry = step(current);
    if (entry.status === 'running' || entry.status === 'pending') {
      entry.status = 'fail';
      entry.detail = failure.message;
    }
    for (const pending of progress.steps) if (pending.status === 'pending') pending.status = 'skipped';
    progress.error = failure;
    progress.status = 'failed';
    changed();
  }
}

/**
 * The rollout step: POST /v1/rollouts. Its record (in runPublishSteps) is a workspace history entry
 * that says a rollout started and keeps the active hash, which a rollout leaves in place, so that
 * the preview reports no drift while the rollout runs (docs/publish.md, "Rollouts").
 */
async function rolloutStep(
  work: PublishWork & { rollout: RolloutRequest },
  progress: PublishProgress,
  set: (id: Step['id'], status: Step['status'], detail?: string) => void,
): Promise<RolloutView> {
  const name = progress.environment;
  const started = await sendRequest(
    () =>
      work.client.startRollout({
        bundle: work.bundle,
        request: work.rollout,
        expectedHash: work.expectedHash,
        message: work.message,
        author: publishAuthor(),
      }),
    name,
  );
  progress.result = { version: started.candidateVersion, hash: started.candidateHash, rolloutId: started.id };
  const share =
    started.mode === 'canary' ? `decides for ${started.percent}% of users` : `shadows ${started.percent}% of runs`;
  set(
    'rollout',
    'pass',
    `rollout ${started.id}: version ${started.candidateVersion} ${share}; version ${started.baseVersion} stays active`,
  );
  return started;
}

/** A workspace history entry's message for a rollout: what happened, then the user's words. */
export function rolloutRecordMessage(what: string, message?: string): string {
  return (message ? `${what}: ${message}` : what).slice(0, maxMessageLength);
}

/** A publish or rollout request; the runtime's refusals become the job's codes. */
async function sendRequest<T>(send: () => Promise<T>, environment: string): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof RuntimeRequestError && error.status === 412) {
      throw new PublishStop(
        'PRECONDITION_FAILED',
        'Someone published meanwhile: review the diff again (the runtime no longer runs the version you reviewed).',
      );
    }
    if (error instanceof RuntimeRequestError && error.runtimeCode === 'ROLLOUT_RUNNING') {
      throw new PublishStop(
        'ROLLOUT_RUNNING',
        `A rollout is running on ${environment}: promote or abort the running rollout first; nothing was sent.`,
      );
    }
    if (error instanceof RuntimeRequestError && error.runtimeCode === 'SECRETS_MISSING') {
      const missing = Array.isArray(error.body?.missing) ? (error.body.missing as string[]) : [];
      throw new PublishStop('SECRETS_MISSING', `The runtime has no value for: ${missing.join(', ')}.`);
    }
    if (error instanceof RuntimeRequestError && error.runtimeCode === 'PIPELINE_INVALID') {
      throw new PublishStop('PIPELINE_INVALID', error.message);
    }
    throw error;
  }
}

/** The publish's message with the impact's acknowledgements, when flips were acknowledged. */
function withAcknowledgements(message: string, review: ImpactReview | null): string {
  if (review === null || review.flips === 0 || review.acknowledgements.length === 0) return message;
  return `${message} [impact ${review.impactId} reviewed: ${review.flips} flip${review.flips === 1 ? '' : 's'} acknowledged, ${acknowledgementText(review.acknowledgements)}]`.slice(
    0,
    maxMessageLength,
  );
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof ContractError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
