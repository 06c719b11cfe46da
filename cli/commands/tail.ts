import { ContractError } from '../../shared/contract';
import { tailOutcomeSchema } from '../../shared/contract/rollout-channels';
import { isHookId, type HookId } from '../../shared/hooks';
import { RuntimeRequestError } from '../../core/publish/runtime-client';
import type { TailFilter, TailItem, TailSampling, TailStream } from '../../core/publish/runtime-tail';
import { parseCommandArgs, positiveInteger } from '../args';
import { UsageError } from '../usage-error';
import type { Command } from './command';
import { requireEnvOption, withStudioCore, type RuntimeAccess } from './publish-access';
import { dataOptionHelp } from './workspace-access';

// `tail`: an environment's runtime's live tail (GET /v1/tail, docs/live-tail.md) followed from a
// terminal, one line per invocation as it finishes. The command reads the stream itself through the
// runtime client rather than the page's tail.start, whose batches and four-tail limit exist for a
// window, not for a pipe. Decided here:
// - what the runtime sends is printed only after the contract's check (core/publish/runtime-tail.ts),
//   and its strings (a deny reason may carry what a user typed) have their control and bidi
//   characters escaped, so nothing it sends can move the cursor or recolour a terminal;
// - Ctrl-C is exit 130 and SIGTERM 143 (a second signal exits at once); the runtime ending the
//   stream, or the connection breaking, is exit 1 with the message: a tail only ends when asked;
// - a reader that closes our stdout (`| head`) stops the stream and exits 0.

const help = `Usage: pipeline-studio tail --env <name> [--hook <id>]... [--outcome <outcome>]...
    [--version N] [--text T] [--json]

Follows the live tail of the environment's runtime (GET /v1/tail): one line per invocation as it
finishes, until Ctrl-C. Each line: the time it finished (UTC), the hook, the outcome, the bundle
version that decided it, the duration, the reason or the error's code and script, the rollout role
(active, candidate or shadow) while a rollout runs, and the trace id (open it in the studio or with
the runtime's GET /v1/traces). Under load the runtime sends a share of the matching invocations; each
change of that share is a line on stderr ("sampling: 1 in 4 sent, 120 dropped so far").

Options:
  --env <name>         the environment (env list shows them); the token needs events:read
  --hook <id>          only this hook; repeat it or separate ids with commas
  --outcome <outcome>  only allow, deny, data, accepted or error; repeatable, commas too
  --version N          only invocations decided by bundle version N
  --text T             only invocations with T (case-insensitive, at most 200 characters) in the
                       hook, the reason, the error code, the script or the trace id
  --json               one JSON object per invocation on stdout ({ at, hook, mode, outcome, version,
                       durationMs, reason?, error?, traceId, rollout? }), and the share's changes as
                       { "sampling": { "rate", "dropped" } }
${dataOptionHelp}

Each runtime instance tails its own invocations: behind a load balancer, follow each instance at its
own address. Exit codes: 130 stopped with Ctrl-C, 143 with SIGTERM, 1 the runtime refused, could
not be reached or ended the stream, 2 bad usage, an unknown environment, no runtime URL or token.`;

const command = 'tail';
const maxText = 200;
const outcomes = tailOutcomeSchema.options;

function listOption(flag: string, values: string[] | undefined): string[] {
  const items = (values ?? []).flatMap((value) => value.split(','));
  if (items.some((item) => item.trim() === '')) throw new UsageError(`${command}: ${flag} must not be empty`);
  return [...new Set(items.map((item) => item.trim()))];
}

export function parseTailFilter(values: {
  hook?: string[];
  outcome?: string[];
  version?: string;
  text?: string;
}): TailFilter {
  const hooks = listOption('--hook', values.hook);
  const unknownHook = hooks.find((hook) => !isHookId(hook));
  if (unknownHook !== undefined) {
    throw new UsageError(`${command}: unknown hook '${printable(unknownHook, 60)}' (see docs/hooks.md for the 16 ids)`);
  }
  const chosen = listOption('--outcome', values.outcome);
  const badOutcome = chosen.find((outcome) => !(outcomes as readonly string[]).includes(outcome));
  if (badOutcome !== undefined) {
    throw new UsageError(`${command}: unknown outcome '${printable(badOutcome, 60)}'; expected ${outcomes.join(', ')}`);
  }
  const version = positiveInteger(command, '--version', values.version, 999_999_999);
  const text = values.text;
  if (text !== undefined && (text === '' || text.length > maxText)) {
    throw new UsageError(`${command}: --text must be 1 to ${maxText} characters`);
  }
  return {
    ...(hooks.length > 0 ? { hooks: hooks as HookId[] } : {}),
    ...(chosen.length > 0 ? { outcomes: chosen as TailFilter['outcomes'] } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(text !== undefined ? { text } : {}),
  };
}

// C0 and C1 controls, DEL, and the marks that reorder text on screen (bidi overrides and isolates).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const escape = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A string from the runtime as a terminal may show it: controls escaped, cut at `max` characters. */
export function printable(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return cut.replace(unsafe, escape);
}

/** One JSON line; the characters a terminal would act on are written as \u escapes (still the same JSON). */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value).replace(unsafe, escape)}\n`;
}

function timeOf(at: string): string {
  const time = new Date(at);
  return Number.isNaN(time.getTime()) ? printable(at, 40) : `${time.toISOString().slice(11, 23)}Z`;
}

export function tailLine(item: TailItem): string {
  const cells = [
    timeOf(item.at),
    item.hook,
    item.outcome,
    item.version === null ? 'no bundle' : `v${item.version}`,
    `${item.durationMs.toFixed(item.durationMs < 10 ? 2 : 0)} ms`,
  ];
  if (item.error) {
    cells.push(
      `error ${printable(item.error.code, 80)}${item.error.script ? ` in ${printable(item.error.script, 80)}` : ''}`,
    );
  } else if (item.reason !== undefined) cells.push(`"${printable(item.reason)}"`);
  if (item.rollout) cells.push(`[${item.rollout.role}]`);
  cells.push(`trace ${printable(item.traceId, 100)}`);
  return `${cells.join('  ')}\n`;
}

export function samplingLine({ rate, dropped }: TailSampling): string {
  const share =
    rate >= 1 ? 'every invocation sent' : rate <= 0 ? 'none sent lately' : `1 in ${Math.round(1 / rate)} sent`;
  return `sampling: ${share}, ${dropped} dropped so far\n`;
}

/** The runtime's refusals a terminal user can act on, said plainly. */
function refusal(error: unknown, environment: string): unknown {
  if (!(error instanceof RuntimeRequestError)) return error;
  if (error.runtimeCode === 'TOO_MANY_FOLLOWERS') {
    const limit = typeof error.body?.limit === 'number' ? ` (${error.body.limit})` : '';
    return new ContractError(
      'TOO_MANY_FOLLOWERS',
      `the runtime of ${environment} has as many live tails open as it allows${limit}: retry once one closes.`,
    );
  }
  if (error.runtimeCode === 'INVALID_QUERY' && Array.isArray(error.body?.problems)) {
    const problems = (error.body.problems as { path?: unknown; message?: unknown }[])
      .map((problem) => printable(`${String(problem.path)}: ${String(problem.message)}`, 120))
      .join('; ');
    return new ContractError('INVALID_QUERY', `the runtime of ${environment} refused the filter: ${problems}`);
  }
  return error;
}

async function follow(runtime: RuntimeAccess, environment: string, filter: TailFilter, asJson: boolean) {
  const client = runtime(environment);
  let stream: TailStream | undefined;
  let stoppedWith: number | undefined;
  const stop = (code: number) => () => {
    // A second signal means now: the stream has not ended on the first one.
    if (stoppedWith !== undefined) process.exit(stoppedWith);
    stoppedWith = code;
    stream?.stop();
  };
  const onInterrupt = stop(130);
  const onTerminate = stop(143);
  const onOutputGone = stop(0);
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  process.stdout.on('error', onOutputGone);

  let shown = 0;
  let sampling: TailSampling = { rate: 1, dropped: 0 };
  const onItem = (item: TailItem) => {
    shown++;
    process.stdout.write(asJson ? jsonLine(item) : tailLine(item));
  };
  const onSampling = (next: TailSampling) => {
    if (next.rate === sampling.rate && next.dropped === sampling.dropped) return;
    sampling = next;
    if (asJson) process.stdout.write(jsonLine({ sampling: next }));
    else process.stderr.write(samplingLine(next));
  };
  try {
    try {
      stream = await client.openTail(filter, onItem, onSampling);
    } catch (error) {
      if (stoppedWith !== undefined) return stoppedWith;
      throw refusal(error, environment);
    }
    if (stoppedWith !== undefined) stream.stop();
    else process.stderr.write(`${command}: following ${environment} (${client.url}); Ctrl-C to stop\n`);
    const broke = await stream.ended;
    if (stoppedWith !== undefined || broke === null) return stoppedWith ?? 0;
    process.stderr.write(
      `${command}: RUNTIME_UNREACHABLE: the live tail of ${environment} (${client.url}) broke: ${printable(broke.message)}; ${shown} shown, ${sampling.dropped} left out by sampling\n`,
    );
    return 1;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
    process.stdout.off('error', onOutputGone);
  }
}

export const tailCommand: Command = {
  summary: "tail --env <name> [--hook …] [--outcome …]: a runtime's invocations as they finish",
  help,
  async run(args) {
    const { values } = parseCommandArgs(command, args, {
      env: { type: 'string' },
      hook: { type: 'string', multiple: true },
      outcome: { type: 'string', multiple: true },
      version: { type: 'string' },
      text: { type: 'string' },
      json: { type: 'boolean' },
      data: { type: 'string' },
    });
    const environment = requireEnvOption(command, values.env);
    const filter = parseTailFilter(values);
    return withStudioCore(command, values.data, (_handlers, _publishing, runtime) =>
      follow(runtime, environment, filter, values.json === true),
    );
  },
};
