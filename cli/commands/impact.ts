import { stat } from 'node:fs/promises';
import { constants } from 'node:os';
import { ContractError } from '../../shared/contract';
import { parseRecordedEvents, validateBundle, type Bundle, type RecordedEvent } from '../../shared/engine';
import { createEnginePool } from '../../shared/engine/node';
import { bundleHash, readBundleFolder } from '../../shared/engine/node/bundle-files';
import { StudioRoot } from '../../core/composition/studio-root';
import { toContractError } from '../../core/contract-errors';
import { compareBundles, type ImpactChange, type ImpactSide, type ImpactSummary } from '../../core/impact';
import { keyValues, parseCommandArgs, positiveInteger, readTextFile } from '../args';
import { createProgress } from '../progress';
import { staticSecrets } from '../static-secrets';
import { UsageError } from '../usage-error';
import type { Command } from './command';
import { dataOptionHelp } from './workspace-access';

const command = 'impact';

const help = `Usage: pipeline-studio impact (<candidate-bundle-dir> | --workspace)
         (--baseline <bundle-dir> | --env <name>) (--events <file> | --captured [--since …]) [options]

Runs every event through the baseline and the candidate pipeline, in one engine pool, and reports
only the events whose outcome changed: allow→deny, deny→allow, reason, data, error-new,
error-fixed, error-changed (an event may have several; the first is its main change).

  <candidate-bundle-dir>  the candidate; or --workspace: the workspace's current pipeline (--data)
  --baseline <dir>        the baseline bundle folder; or --env <name>: the bundle active on that
                          environment's runtime (read with its stored token, scope publish)
  --events <file>         recorded events (NDJSON or a JSON array); bad lines are reported by
                          number and skipped, a repeated id is skipped (the first one wins)
  --captured              the events the --env runtime captured (scope events:read)
  --since <when>          with --captured: 7d, 24h, 30m or an ISO-8601 time (default: the most
                          recent 10,000)
  --concurrency N         events in flight at once, each with both runs (default 20)
  --secret NAME=VALUE     a secret for helpers.secret, for both sides (repeatable)
  --json                  one JSON object per changed event, then a { "summary": … } line
${dataOptionHelp}

Progress goes to stderr. Ctrl-C stops after the events in flight and prints the summary of what
was compared (marked cancelled); a second Ctrl-C quits at once.
Exit codes: 0 no outcome changed, 1 some did, 2 bad usage, unreadable input, an invalid bundle or a
runtime that could not be read, 130 stopped by Ctrl-C (143 by SIGTERM).`;

interface Inputs {
  baseline: ImpactSide;
  candidate: ImpactSide;
  events: RecordedEvent[];
}

/** A bundle folder read as `check` reads it; an invalid one is unusable input (exit 2). */
async function folderSide(role: string, dir: string): Promise<ImpactSide> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new UsageError(`${command}: ${role} ${dir} is not a folder`);
  const read = await readBundleFolder(dir);
  if (!read.ok) throw new UsageError(`${command}: ${role} ${dir}: PIPELINE_INVALID: ${firstProblem(read.error)}`);
  return { bundle: read.bundle, hash: bundleHash(read.bundle) };
}

function bundleSide(role: string, input: unknown): ImpactSide {
  const valid = validateBundle(input);
  if (!valid.ok) throw new UsageError(`${command}: ${role}: PIPELINE_INVALID: ${firstProblem(valid.error)}`);
  return { bundle: valid.bundle, hash: bundleHash(valid.bundle) };
}

function firstProblem(error: { problems: { where: string; message: string }[] }): string {
  const [first] = error.problems;
  const more = error.problems.length > 1 ? ` (and ${error.problems.length - 1} more; see check)` : '';
  return `${first?.where}: ${first?.message}${more}`;
}

/** Parsed events; each bad line on stderr with its number, as `replay` reports them. */
function parsedEvents(source: string, text: string): RecordedEvent[] {
  const parsed = parseRecordedEvents(text);
  for (const problem of parsed.problems) process.stderr.write(`${source}:${problem.line}: ${problem.message}\n`);
  if (parsed.duplicates > 0) process.stderr.write(`${source}: ${parsed.duplicates} duplicate ids skipped\n`);
  if (parsed.events.length === 0 && parsed.problems.length > 0) {
    throw new UsageError(`${command}: ${source} has no valid event`);
  }
  return parsed.events;
}

/** `7d`, `24h`, `30m` (before `now`) or an ISO-8601 time, as the runtime's ISO `since`. */
export function sinceTime(value: string, now: number): string {
  const relative = /^(\d{1,6})([dhm])$/.exec(value);
  if (relative) {
    const unitMs = { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm'];
    return new Date(now - Number(relative[1]) * unitMs).toISOString();
  }
  const time = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new UsageError(`${command}: --since must be 7d, 24h, 30m or an ISO-8601 time, got '${value}'`);
  }
  return new Date(time).toISOString();
}

function describeOutcome(outcome: ImpactChange['baseline']): string {
  if (outcome.error) return `error ${outcome.error.code}`;
  if (outcome.allow === true) return 'allow';
  if (outcome.allow === false) return `deny${outcome.reason !== undefined ? ` "${outcome.reason}"` : ''}`;
  return JSON.stringify(outcome.data ?? outcome.results ?? {});
}

function printChange(change: ImpactChange, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(change)}\n`);
    return;
  }
  const also = change.changes.length > 1 ? ` (+ ${change.changes.slice(1).join(', ')})` : '';
  const scripts = change.scripts.length > 0 ? `  [${change.scripts.join(', ')}]` : '';
  process.stdout.write(
    `${change.id}  ${change.hook}  ${change.change}${also}  ${describeOutcome(change.baseline)} → ${describeOutcome(change.candidate)}${scripts}\n`,
  );
}

function printSummary(summary: ImpactSummary, json: boolean): void {
  const { events, unchanged, allowToDeny, denyToAllow, reasonChanged, dataChanged, newErrors, fixedErrors } = summary;
  const counts = { events, unchanged, allowToDeny, denyToAllow, reasonChanged, dataChanged, newErrors, fixedErrors };
  if (json) {
    const ended = summary.cancelled ? { cancelled: true, total: summary.total } : {};
    const line = { ...counts, changedErrors: summary.changedErrors, latencyMs: summary.latencyMs, ...ended };
    process.stdout.write(`${JSON.stringify({ summary: line })}\n`);
    return;
  }
  const { baseline: b, candidate: c } = summary.latencyMs;
  const ended = summary.cancelled ? `cancelled after ${events} of ${summary.total} events: ` : '';
  process.stdout.write(
    `${ended}${events} events: ${unchanged} unchanged, ${allowToDeny} allow→deny, ${denyToAllow} deny→allow, ` +
      `${reasonChanged} reason, ${dataChanged} data, ${newErrors} new errors, ${fixedErrors} fixed errors, ` +
      `${summary.changedErrors} changed errors; latency p50/p95/p99 baseline ${b.p50}/${b.p95}/${b.p99} ms, ` +
      `candidate ${c.p50}/${c.p95}/${c.p99} ms\n`,
  );
}

async function runImpact(
  inputs: Inputs,
  options: { concurrency: number; json: boolean; secrets: Record<string, string> },
) {
  const pool = createEnginePool();
  const progress = createProgress(command, inputs.events.length);
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) process.exit(128 + (constants.signals[signal] ?? 0));
    received = signal;
    process.stderr.write(`\n${command}: ${signal}: stopping after the events in flight (again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await compareBundles({
      executor: pool,
      ...inputs,
      secrets: staticSecrets(options.secrets),
      concurrency: options.concurrency,
      signal: controller.signal,
      onChange: (change) => printChange(change, options.json),
      onProgress: (done) => progress.update(done),
    });
    progress.finish();
    printSummary(summary, options.json);
    if (summary.cancelled) return 128 + (constants.signals[received ?? 'SIGINT'] ?? 0);
    return summary.events > summary.unchanged ? 1 : 0;
  } catch (error) {
    if (error instanceof ContractError) throw new UsageError(`${command}: ${error.code}: ${error.message}`);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool.close();
  }
}

/** The workspace's pipeline and the environment's runtime, through the studio's composition root. */
async function withRoot<T>(dataDir: string | undefined, use: (root: StudioRoot) => Promise<T>): Promise<T> {
  const root = new StudioRoot(dataDir !== undefined ? { dataDir } : {});
  try {
    return await use(root);
  } catch (caught) {
    const error = toContractError(caught, [
      'NOT_FOUND',
      'NO_RUNTIME_URL',
      'NO_TOKEN',
      'KEYCHAIN_UNAVAILABLE',
      'STORE_UNAVAILABLE',
      'RUNTIME_UNREACHABLE',
      'RUNTIME_REFUSED',
      'PIPELINE_INVALID',
    ]);
    if (error instanceof ContractError) {
      throw new UsageError(`${command}: ${error.code}: ${error.message.replace(/\s*\n\s*/g, ' ')}`);
    }
    throw error;
  } finally {
    await root.close();
  }
}

export const impactCommand: Command = {
  summary: 'impact: the events whose outcome a candidate pipeline would change',
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      command,
      args,
      {
        workspace: { type: 'boolean' },
        baseline: { type: 'string' },
        env: { type: 'string' },
        events: { type: 'string' },
        captured: { type: 'boolean' },
        since: { type: 'string' },
        concurrency: { type: 'string' },
        secret: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        data: { type: 'string' },
      },
      1,
    );
    const [folder] = positionals;
    if ((folder === undefined) === !values.workspace) {
      throw new UsageError(
        `${command}: give a candidate <bundle-dir> or --workspace, one of the two (see impact --help)`,
      );
    }
    // --env is the baseline unless --baseline is given; with --captured it is also where events come from.
    if (values.baseline === undefined && values.env === undefined) {
      throw new UsageError(`${command}: give --baseline <bundle-dir> or --env <name> (see impact --help)`);
    }
    if (values.baseline !== undefined && values.env !== undefined && !values.captured) {
      throw new UsageError(`${command}: give --baseline <bundle-dir> or --env <name>, not both`);
    }
    if ((values.events === undefined) === !values.captured) {
      throw new UsageError(`${command}: give --events <file> or --captured, one of the two`);
    }
    if (values.captured && values.env === undefined) throw new UsageError(`${command}: --captured needs --env <name>`);
    if (values.since !== undefined && !values.captured)
      throw new UsageError(`${command}: --since goes with --captured`);
    const since = values.since === undefined ? undefined : sinceTime(values.since, Date.now());
    const concurrency = positiveInteger(command, '--concurrency', values.concurrency, 1000) ?? 20;
    const options = { concurrency, json: values.json === true, secrets: keyValues(command, '--secret', values.secret) };

    const fileInputs = async (): Promise<Partial<Inputs>> => ({
      ...(folder !== undefined ? { candidate: await folderSide('candidate', folder) } : {}),
      ...(values.baseline !== undefined ? { baseline: await folderSide('baseline', values.baseline) } : {}),
      ...(values.events !== undefined
        ? { events: parsedEvents(values.events, await readTextFile(command, values.events)) }
        : {}),
    });
    const files = await fileInputs();
    if (files.candidate && files.baseline && files.events) return runImpact(files as Inputs, options);

    const inputs = await withRoot(values.data, async (root): Promise<Inputs> => {
      const candidate = files.candidate ?? bundleSide('the workspace pipeline', root.workspace().exportBundle());
      const client = values.env !== undefined ? root.connect(values.env).client : undefined;
      let baseline = files.baseline;
      if (!baseline && client) {
        const active = await client.activeBundle();
        if (!active) {
          throw new UsageError(
            `${command}: ${values.env} has no active bundle (nothing was published there yet): give --baseline <bundle-dir>`,
          );
        }
        baseline = bundleSide(`the bundle active on ${values.env}`, active.bundle as Bundle);
      }
      let events = files.events;
      if (!events && client) {
        const text = await client.events(since !== undefined ? { since } : {});
        events = parsedEvents(`${values.env} captured events`, text);
      }
      return { candidate, baseline: baseline!, events: events! };
    });
    return runImpact(inputs, options);
  },
};
