import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { bundleTarget } from '../../core/generate/bundle-target';
import { runGenerated, type GenerateTarget } from '../../core/generate/generate-run';
import type { GenerateFailure, GenerateReport } from '../../core/generate/generate-report';
import { defaultLimits, maxTimeoutMs } from '../../shared/engine';
import { createEnginePool } from '../../shared/engine/node';
import { maxGeneratedEvents } from '../../shared/hooks/event-generator';
import { keyValues, parseCommandArgs, positiveInteger, readScriptFile, requireHook } from '../args';
import { staticSecrets } from '../static-secrets';
import { UsageError } from '../usage-error';
import type { Command } from './command';

const maxSeed = 2 ** 31 - 1;

const help = `Usage: pipeline-studio generate <script.lua | bundle-dir> --hook <id> [options]

Generates events the hook accepts (typical values mixed with edge cases: missing optional fields,
empty and huge strings, combining marks, right-to-left text, emoji, NUL, numbers at their bounds,
unknown fields, deep nesting) and runs the script, or the bundle's pipeline for the hook, on each.
Reports crashes (RUNTIME_ERROR), invalid results, limit hits and the decisions, each failure with
the edge cases its event exercised. The same --seed gives the same events. A studio addition,
beyond the shared CLI contract.

Options:
  --hook <id>          the hook whose schema the events follow
  --count N            events to generate, 1 to ${maxGeneratedEvents} (default 200)
  --seed S             0 to ${maxSeed} (default: a random one, printed in the summary)
  --json               one JSON object per failure (NDJSON), then a { "summary": … } line
  --save <file>        write the failing events as NDJSON recorded events, for \`events import\`
  --timeout-ms N       a lone script's wall-clock limit, 1 to ${maxTimeoutMs} (default ${defaultLimits.timeoutMs})
  --env K=V            a pipeline variable for a lone script (repeatable)
  --secret NAME=VALUE  a secret for helpers.secret (repeatable)

Exit codes: 0 no failure, 1 failures found, 2 bad usage or input.`;

function seedOf(value: string | undefined): number {
  if (value === undefined) return randomInt(maxSeed);
  const seed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed) || seed > maxSeed) {
    throw new UsageError(`generate: --seed must be a whole number from 0 to ${maxSeed}, got '${value}'`);
  }
  return seed;
}

async function targetOf(
  file: string,
  hook: Parameters<typeof bundleTarget>[1],
  env: Record<string, string>,
  secrets: Record<string, string>,
): Promise<GenerateTarget> {
  const info = await stat(file).catch(() => null);
  if (!info) throw new UsageError(`generate: cannot read ${file}: no such file or folder`);
  if (!info.isDirectory()) {
    const source = await readScriptFile('generate', file);
    return { kind: 'script', scriptId: path.basename(file, '.lua'), source, env, secretNames: Object.keys(secrets) };
  }
  const read = await bundleTarget(file, hook);
  if (!read.ok) throw new UsageError(`generate: ${file}: ${read.message}`);
  if (read.scripts === 0) throw new UsageError(`generate: ${file}: the pipeline runs no script at ${hook}`);
  return read.target;
}

function failureLine(failure: GenerateFailure): string {
  const where = failure.error.scriptId ? `${failure.error.scriptId}: ` : '';
  const tags = failure.edgeCases.length > 0 ? failure.edgeCases.join(', ') : 'typical values';
  return `#${failure.index}  ${failure.error.code}  ${where}${failure.error.message}  [${tags}]\n`;
}

const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([key, n]) => `${key} ${n}`)
    .join(', ') || 'none';

function humanSummary(report: GenerateReport, count: number): string {
  const { decisions } = report;
  const reasons = Object.entries(report.denyReasons).map(([reason, n]) => `${JSON.stringify(reason)} ${n}`);
  const edges = Object.entries(report.edgeCases)
    .filter(([, c]) => c.events > 0)
    .map(([tag, c]) => `${tag} ${c.events}${c.failures > 0 ? ` (${c.failures} failed)` : ''}`);
  return [
    `${count} events of ${report.hook} (seed ${report.seed}): ${report.failures} failed`,
    `  crashes ${report.crashes}, invalid results ${report.invalidResults}, limits: ${counts(report.limits)}`,
    `  decisions: allow ${decisions.allow}, deny ${decisions.deny}${reasons.length ? ` (${reasons.join(', ')})` : ''}, ` +
      `data ${decisions.data}, recorded ${decisions.recorded}, error ${decisions.error}`,
    `  edge cases: ${edges.join(', ') || 'none'}`,
  ].join('\n');
}

export const generateCommand: Command = {
  summary: 'run a script or a pipeline on generated events and report what fails',
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      'generate',
      args,
      {
        hook: { type: 'string' },
        count: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        save: { type: 'string' },
        'timeout-ms': { type: 'string' },
        env: { type: 'string', multiple: true },
        secret: { type: 'string', multiple: true },
      },
      1,
    );
    const file = positionals[0];
    if (!file) throw new UsageError('generate: a script file or a bundle folder is required (see generate --help)');
    const hook = requireHook('generate', values.hook);
    const count = positiveInteger('generate', '--count', values.count, maxGeneratedEvents) ?? 200;
    const seed = seedOf(values.seed);
    const timeoutMs = positiveInteger('generate', '--timeout-ms', values['timeout-ms'], maxTimeoutMs);
    const env = keyValues('generate', '--env', values.env);
    const secrets = keyValues('generate', '--secret', values.secret);
    const target = await targetOf(file, hook, env, secrets);
    if (timeoutMs && target.kind === 'script') target.timeoutMs = timeoutMs;

    const saved: string[] = [];
    const pool = createEnginePool({ workers: 1, secrets: staticSecrets(secrets) });
    let report: GenerateReport;
    try {
      report = await runGenerated({
        pool,
        hook,
        target,
        count,
        seed,
        keepFailures: 0,
        onFailure: (failure) => {
          if (values.save) saved.push(`${JSON.stringify(failure.recorded)}\n`);
          process.stdout.write(values.json ? `${JSON.stringify(failure)}\n` : failureLine(failure));
        },
      });
    } finally {
      await pool.close();
    }
    if (values.save) {
      try {
        await writeFile(values.save, saved.join(''));
      } catch (error) {
        throw new UsageError(
          `generate: cannot write ${values.save}: ${(error as NodeJS.ErrnoException).code ?? error}`,
        );
      }
    }
    const { failed: _streamed, failedOmitted: _counted, ...summary } = report;
    process.stdout.write(values.json ? `${JSON.stringify({ summary })}\n` : `${humanSummary(report, count)}\n`);
    return report.failures > 0 ? 1 : 0;
  },
};
