import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { ContractError, type ChannelInput, type ChannelOutput } from '../../shared/contract';
import { BundleInvalidError, parseRecordedEvents, type Bundle } from '../../shared/engine';
import { maxConcurrentRuns } from '../../shared/engine/limits';
import { bundleHash, scriptHash } from '../../shared/engine/node/bundle-files';
import type { StudioServices } from '../authoring/services';
import { toContractError } from '../authoring/errors';
import { replayEvents } from '../replay/replay-runner';
import type { Environment, Workspace } from '../store';
import { diffBundles, diffSummary } from './bundle-diff';
import { secretsGate, suiteGatePreview, validGate, type Gate } from './gates';
import { RuntimeClient, RuntimeRequestError } from './runtime-client';

// Publishing the workspace's pipeline to an environment's runtime (docs/publish.md). Decided here:
// - the bundle is the workspace's current pipeline (each script's latest version), taken once when
//   a publish starts: the suite replays that bundle (its run must carry the same hash) and that
//   bundle is what is sent, so an edit made during the publish is not half-published;
// - If-Match is the hash the user reviewed (publish.start's expectedHash, from the preview), else
//   the one active when the job starts; a 412 fails the job: someone published meanwhile;
// - production needs `confirm` equal to its name, for publish and rollback, checked before any
//   request leaves;
// - one job at a time per environment (BUSY); jobs live in memory like replay jobs, the last 20
//   are kept for progress polls;
// - the workspace's publishes table records what this workspace published (and rollbacks it
//   made); recording also moves lastPublishedHash, which drift is measured against. A publish of
//   the bundle already active records nothing unless this workspace's last hash was another one;
// - pushed secret values go from the keychain straight into the request and are never kept,
//   logged or put in a message.

type Preview = ChannelOutput<'publish.preview'>;
type Progress = ChannelOutput<'publish.progress'>;
type Step = Progress['steps'][number];

const maxKeptJobs = 20;
const suitePollMs = 50;

interface Job {
  progress: Progress;
  /** Settles when the job has ended. */
  ended: Promise<void>;
}

interface Connection {
  environment: Environment;
  client: RuntimeClient;
}

export function publishAuthor(): string {
  try {
    return `${os.userInfo().username}@${os.hostname()} (pipeline-studio)`;
  } catch {
    return 'pipeline-studio';
  }
}

export class Publisher {
  private readonly jobs = new Map<string, Job>();
  private closing = false;

  constructor(private readonly services: StudioServices) {}

  /** The environment, its runtime URL (checked) and its token, or the channel's error. */
  connect(name: string): Connection {
    const environment = this.services.workspace().environments.get(name);
    if (!environment) throw new ContractError('NOT_FOUND', `There is no environment "${name}".`);
    if (environment.runtimeUrl === undefined) {
      throw new ContractError(
        'NO_RUNTIME_URL',
        `Environment "${name}" has no runtime URL: set it (pipeline-studio env add ${name} --url …, or the Environments screen).`,
      );
    }
    const token = this.services.runtimeTokens().get(name);
    if (token === null) {
      throw new ContractError(
        'NO_TOKEN',
        `No runtime token is stored for "${name}": store one (pipeline-studio env token ${name}, or the Environments screen).`,
      );
    }
    return { environment, client: new RuntimeClient(environment.runtimeUrl, token, name) };
  }

  /** `bundle`: another bundle than the workspace's (the CLI's `publish <bundle-dir>`). */
  async preview(name: string, bundle?: Bundle): Promise<Preview> {
    const { environment, client } = this.connect(name);
    const local = bundle ?? this.services.workspace().exportBundle();
    const localHash = bundleHash(local);
    const remote = await client.activeBundle();
    const runtimeSecrets = await this.runtimeSecretNames(client);
    const pinned = this.services.workspace().events.count({ pinned: true });
    const gates: Gate[] = [
      await validGate(local),
      secretsGate(local.secrets, runtimeSecrets, this.keychainSecretNames(name, local.secrets)),
      suiteGatePreview(pinned),
    ];
    return {
      environment: name,
      runtimeUrl: client.url,
      local: { hash: localHash, scripts: Object.keys(local.scripts).length },
      remote: remote
        ? {
            hash: remote.hash,
            version: remote.version,
            publishedAt: remote.publishedAt,
            publishedBy: remote.publishedBy,
          }
        : null,
      drift: drift(environment, remote),
      diff: diffBundles(remote?.bundle ?? null, local),
      gates,
    };
  }

  /** Checks what can be checked at once, then runs the publish in the background. */
  /**
   * `bundle`: another bundle than the workspace's (the CLI's `publish <bundle-dir>`); its suite is
   * replayed directly in the replay pool (no stored run) since replay jobs replay the workspace.
   */
  async start(input: ChannelInput<'publish.start'>, bundle?: Bundle): Promise<{ jobId: string }> {
    if (this.closing) throw new ContractError('UNAVAILABLE', 'The studio core is shutting down.');
    const name = input.environment;
    const { client } = this.connect(name);
    requireConfirmation(name, input.confirm, 'publish');
    for (const job of this.jobs.values()) {
      if (job.progress.environment === name && job.progress.status === 'running') {
        throw new ContractError('BUSY', `A publish to ${name} is already running (job ${job.progress.jobId}).`);
      }
    }
    // Taken now: the hash the user reviewed, else what is active at this moment (which also
    // checks the token and its publish scope before answering).
    const expectedHash =
      input.expectedHash !== undefined ? input.expectedHash : ((await client.activeBundle())?.hash ?? null);
    // Kept for the job: it records its publish even while the studio closes (close() waits for it
    // before closing the workspace, but services.workspace() already refuses then).
    const workspace = this.services.workspace();
    const published = bundle ?? workspace.exportBundle();
    if (input.reviewedHash !== undefined && bundleHash(published) !== input.reviewedHash) {
      throw new ContractError(
        'PIPELINE_CHANGED',
        'The pipeline changed since it was reviewed (a script was saved meanwhile): review the changes again.',
      );
    }
    const jobId = randomUUID();
    const steps: Step[] = [
      { id: 'validate', label: 'Pipeline is valid', status: 'pending' },
      { id: 'secrets', label: 'Secrets are set on the runtime', status: 'pending' },
      { id: 'suite', label: 'Pinned regression suite passes', status: 'pending' },
      { id: 'publish', label: `Publish to ${name}`, status: 'pending' },
      { id: 'record', label: 'Record in the workspace history', status: 'pending' },
    ];
    const job: Job = { progress: { jobId, environment: name, status: 'running', steps }, ended: Promise.resolve() };
    this.jobs.set(jobId, job);
    while (this.jobs.size > maxKeptJobs) {
      const oldest = [...this.jobs.values()].find((kept) => kept.progress.status !== 'running');
      if (!oldest) break;
      this.jobs.delete(oldest.progress.jobId);
    }
    job.ended = this.run(job, {
      workspace,
      client,
      bundle: published,
      ownBundle: bundle !== undefined,
      expectedHash,
      message: input.message,
      pushSecrets: input.pushSecrets ?? false,
    });
    return { jobId };
  }

  /**
   * For services.close(): no new job; a running one stops before its publish request (its suite
   * replay is cancelled by the replay jobs' own shutdown), or, if that request is already out,
   * waits for the answer (bounded by the client's timeout) and records it.
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.jobs.values()].map((job) => job.ended));
  }

  progress(jobId: string): Progress {
    const job = this.jobs.get(jobId);
    if (!job) throw new ContractError('NOT_FOUND', `There is no publish job "${jobId}".`);
    return structuredClone(job.progress);
  }

  /** Resolves once the job has ended (for the CLI and tests). */
  async finished(jobId: string): Promise<Progress> {
    for (;;) {
      const progress = this.progress(jobId);
      if (progress.status !== 'running') return progress;
      await delay(suitePollMs);
    }
  }

  async history(name: string): Promise<ChannelOutput<'publish.history'>> {
    const { client } = this.connect(name);
    const history = await client.history();
    const versions = history.versions.map((entry) => ({
      version: entry.version,
      hash: entry.hash,
      publishedAt: entry.publishedAt,
      publishedBy: entry.author,
      message: entry.message,
    }));
    let active: { version: number; hash: string } | null = null;
    if (history.active !== null) {
      const found = versions.find((entry) => entry.version === history.active);
      const hash = found?.hash ?? (await client.activeBundle())?.hash;
      if (hash !== undefined) active = { version: history.active, hash };
    }
    return { active, versions };
  }

  async rollback(input: ChannelInput<'publish.rollback'>): Promise<ChannelOutput<'publish.rollback'>> {
    const name = input.environment;
    const { environment, client } = this.connect(name);
    requireConfirmation(name, input.confirm, 'roll back');
    let answer;
    try {
      answer = await client.rollback({ version: input.version, author: publishAuthor() });
    } catch (error) {
      if (error instanceof RuntimeRequestError && error.status === 404) {
        throw new ContractError('VERSION_NOT_FOUND', `The runtime of ${name} has no version ${input.version}.`);
      }
      if (error instanceof RuntimeRequestError && error.runtimeCode === 'SECRETS_MISSING') {
        throw new ContractError(
          'RUNTIME_REFUSED',
          `${error.message} (push them with a publish, or set them on the runtime)`,
        );
      }
      throw error;
    }
    if (answer.changed || environment.lastPublishedHash !== answer.hash) {
      this.services.workspace().publishes.record({
        environment: name,
        hash: answer.hash,
        author: publishAuthor(),
        message: `rollback to version ${input.version}`,
      });
    }
    return { version: answer.version, hash: answer.hash };
  }

  async pullEvents(input: ChannelInput<'events.pull'>): Promise<ChannelOutput<'events.pull'>> {
    const { client } = this.connect(input.environment);
    const text = await client.events({
      ...(input.since !== undefined ? { since: input.since } : {}),
      ...(input.hook !== undefined ? { hook: input.hook } : {}),
    });
    const events = this.services.workspace().events;
    const parsed = parseRecordedEvents(text, { knownIds: events.ids() });
    // The library's source is the environment the events came from, whatever the runtime's
    // configured `source` says (it may be unset or name the runtime differently).
    for (const event of parsed.events) event.source = input.environment;
    const imported = events.import(parsed.events);
    return {
      imported: imported.imported,
      duplicates: parsed.duplicates + imported.duplicates,
      problems: parsed.problems.slice(0, 1000),
    };
  }

  /** null when the token may not list them (no secrets:write scope): the runtime checks at publish. */
  private async runtimeSecretNames(client: RuntimeClient): Promise<Set<string> | null> {
    try {
      return new Set(await client.secretNames());
    } catch (error) {
      if (error instanceof RuntimeRequestError && error.status === 403) return null;
      throw error;
    }
  }

  /** Which declared secrets this workspace's keychain has a value for in `environment`. */
  private keychainSecretNames(environment: string, declared: readonly string[]): Set<string> {
    const store = this.services.secrets();
    return new Set(declared.filter((name) => store.has(environment, name)));
  }

  private async run(
    job: Job,
    work: {
      workspace: Workspace;
      client: RuntimeClient;
      bundle: Bundle;
      /** Not the workspace's pipeline: replay the suite directly. */
      ownBundle: boolean;
      expectedHash: string | null;
      message: string;
      pushSecrets: boolean;
    },
  ): Promise<void> {
    const { progress } = job;
    const name = progress.environment;
    const step = (id: Step['id']) => progress.steps.find((entry) => entry.id === id) as Step;
    const set = (id: Step['id'], status: Step['status'], detail?: string) => {
      const entry = step(id);
      entry.status = status;
      if (detail !== undefined) entry.detail = detail;
    };
    let current: Step['id'] = 'validate';
    try {
      const hash = bundleHash(work.bundle);

      set('validate', 'running');
      const valid = await validGate(work.bundle);
      set('validate', valid.status === 'pass' ? 'pass' : 'fail', valid.detail);
      if (valid.status !== 'pass') throw new Stop('PIPELINE_INVALID', valid.detail);

      current = 'secrets';
      set('secrets', 'running');
      await this.secretsStep(work, name, (status, detail) => set('secrets', status, detail));

      current = 'suite';
      set('suite', 'running');
      const setSuite = (status: Step['status'], detail?: string) => set('suite', status, detail);
      if (work.ownBundle) await this.directSuiteStep(work.workspace, work.bundle, hash, name, setSuite);
      else await this.suiteStep(hash, name, progress, setSuite);

      current = 'publish';
      if (this.closing) throw new Stop('UNAVAILABLE', 'The studio closed before publishing; nothing was published.');
      set('publish', 'running');
      let answer;
      try {
        answer = await work.client.publish({
          bundle: work.bundle,
          expectedHash: work.expectedHash,
          message: work.message,
          author: publishAuthor(),
        });
      } catch (error) {
        if (error instanceof RuntimeRequestError && error.status === 412) {
          throw new Stop(
            'PRECONDITION_FAILED',
            'Someone published meanwhile: review the diff again (the runtime no longer runs the version you reviewed).',
          );
        }
        if (error instanceof RuntimeRequestError && error.runtimeCode === 'SECRETS_MISSING') {
          const missing = Array.isArray(error.body?.missing) ? (error.body.missing as string[]) : [];
          throw new Stop('SECRETS_MISSING', `The runtime has no value for: ${missing.join(', ')}.`);
        }
        if (error instanceof RuntimeRequestError && error.runtimeCode === 'PIPELINE_INVALID') {
          throw new Stop('PIPELINE_INVALID', error.message);
        }
        throw error;
      }
      set(
        'publish',
        'pass',
        answer.changed
          ? `version ${answer.version} is active`
          : `no change: version ${answer.version} was already active`,
      );
      progress.result = { version: answer.version, hash: answer.hash };

      current = 'record';
      set('record', 'running');
      const environment = work.workspace.environments.get(name);
      if (answer.changed || environment?.lastPublishedHash !== answer.hash) {
        const record = work.workspace.publishes.record({
          environment: name,
          hash: answer.hash,
          author: publishAuthor(),
          message: work.message,
        });
        set('record', 'pass', `workspace publish #${record.version} of ${name}`);
      } else {
        set('record', 'skipped', 'nothing new to record');
      }
      progress.status = 'done';
    } catch (error) {
      const failure =
        error instanceof Stop
          ? { code: error.code, message: error.message }
          : describe(toContractError(error, ['KEYCHAIN_UNAVAILABLE', 'STORE_UNAVAILABLE', 'NOT_FOUND']));
      if (step(current).status === 'running' || step(current).status === 'pending') {
        set(current, 'fail', failure.message);
      }
      for (const entry of progress.steps) if (entry.status === 'pending') entry.status = 'skipped';
      progress.error = failure;
      progress.status = 'failed';
    }
  }

  private async secretsStep(
    work: { client: RuntimeClient; bundle: Bundle; pushSecrets: boolean },
    name: string,
    set: (status: Step['status'], detail?: string) => void,
  ): Promise<void> {
    const declared = work.bundle.secrets;
    if (declared.length === 0) {
      set('pass', 'the pipeline declares no secret');
      return;
    }
    let pushed = 0;
    if (work.pushSecrets) {
      const provider = this.services.secrets().provider(name);
      const notInKeychain: string[] = [];
      for (const secret of declared) {
        const value = await provider.get(secret);
        if (value === undefined) notInKeychain.push(secret);
        else {
          await work.client.setSecret(secret, value);
          pushed += 1;
        }
      }
    }
    const present = await this.runtimeSecretNames(work.client);
    if (present === null) {
      set(
        'skipped',
        "the token may not list the runtime's secrets (no secrets:write scope): the runtime checks them on publish",
      );
      return;
    }
    const missing = declared.filter((secret) => !present.has(secret));
    if (missing.length > 0) {
      const message = `The runtime of ${name} has no value for: ${missing.join(', ')}. Set them in this workspace's ${name} secrets and publish with "push secrets", or set them on the runtime.`;
      throw new Stop('SECRETS_MISSING', message);
    }
    set('pass', `${declared.length} declared, all set${pushed > 0 ? ` (${pushed} pushed from this workspace)` : ''}`);
  }

  /** The pinned suite through a bundle that is not the workspace's, without a stored run. */
  private async directSuiteStep(
    workspace: Workspace,
    bundle: Bundle,
    hash: string,
    name: string,
    set: (status: Step['status'], detail?: string) => void,
  ): Promise<void> {
    const events = workspace.events.pinned();
    if (events.length === 0) {
      set('skipped', 'no event is pinned');
      return;
    }
    let outcome;
    try {
      outcome = await this.services.environmentSecrets.run(name, () =>
        replayEvents({
          executor: this.services.replayEngine(),
          bundle,
          bundleHash: hash,
          scriptHash,
          events,
          concurrency: maxConcurrentRuns,
          onLine: () => {},
        }),
      );
    } catch (error) {
      if (error instanceof BundleInvalidError) throw new Stop('PIPELINE_INVALID', error.message);
      throw error;
    }
    const mismatches = outcome.lines.filter((line) => line.mismatch !== null).length;
    const errors = outcome.lines.filter((line) => !line.ok).length;
    if (mismatches > 0 || errors > 0) {
      throw new Stop(
        'SUITE_FAILED',
        `${mismatches} of ${events.length} pinned events no longer match their recorded outcome, ${errors} failed.`,
      );
    }
    set('pass', `${events.length} pinned events replayed, all match`);
  }

  private async suiteStep(
    hash: string,
    name: string,
    progress: Progress,
    set: (status: Step['status'], detail?: string) => void,
  ): Promise<void> {
    const pinned = this.services.workspace().events.count({ pinned: true });
    if (pinned === 0) {
      set('skipped', 'no event is pinned');
      return;
    }
    const run = this.services.replayJobs.start({
      selection: { kind: 'pinned' },
      label: `publish to ${name}`,
      environment: name,
    });
    progress.suiteRunId = run.id;
    if (run.bundleHash !== hash) {
      throw new Stop('PIPELINE_CHANGED', 'The pipeline changed while the publish started: start it again.');
    }
    let replay = this.services.replayJobs.progress(run.id);
    while (replay.status === 'running') {
      await delay(suitePollMs);
      replay = this.services.replayJobs.progress(run.id);
    }
    if (replay.status !== 'done') {
      throw new Stop(
        'SUITE_FAILED',
        `The suite replay ${replay.status}${replay.message ? `: ${replay.message}` : ''}.`,
      );
    }
    if (replay.mismatches > 0 || replay.errors > 0) {
      throw new Stop(
        'SUITE_FAILED',
        `${replay.mismatches} of ${replay.total} pinned events no longer match their recorded outcome, ${replay.errors} failed (replay run ${run.id}).`,
      );
    }
    set('pass', `${replay.total} pinned events replayed, all match (replay run ${run.id})`);
  }
}

/** Ends a publish job with a code and a message for the user. */
class Stop extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof ContractError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function requireConfirmation(environment: string, confirm: string | undefined, action: string): void {
  if (environment === 'production' && confirm !== environment) {
    throw new ContractError(
      'CONFIRMATION_REQUIRED',
      `To ${action} to production, confirm by typing the environment's name ("production").`,
    );
  }
}

function drift(environment: Environment, remote: { hash: string; version: number; publishedBy: string } | null) {
  const last = environment.lastPublishedHash;
  if (remote === null) {
    return last === undefined
      ? { detected: false }
      : {
          detected: true,
          message: `This workspace published ${last.slice(0, 12)} to ${environment.name}, but its runtime has no active bundle now (was its data reset?).`,
        };
  }
  if (remote.hash === last) return { detected: false };
  return {
    detected: true,
    message:
      last === undefined
        ? `Version ${remote.version} on ${environment.name} was published by ${remote.publishedBy} from outside this workspace, which has never published there.`
        : `The runtime of ${environment.name} runs version ${remote.version} (${remote.hash.slice(0, 12)}, by ${remote.publishedBy}), not ${last.slice(0, 12)} that this workspace published last: someone published from elsewhere.`,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { diffSummary };
