import path from 'node:path';
import { judgeScriptRun, runSingleScript } from '../../core/authoring/run-script';
import {
  defaultLimits,
  maxTimeoutMs,
  readEventInput,
  type JsonValue,
  type ScriptError,
  type ScriptOutcome,
} from '../../shared/engine';
import { createEnginePool } from '../../shared/engine/node';
import type { HookId } from '../../shared/hooks';
import {
  keyValues,
  parseCommandArgs,
  parseJsonFile,
  positiveInteger,
  readScriptFile,
  readTextFile,
  requireHook,
} from '../args';
import { staticSecrets } from '../static-secrets';
import { UsageError } from '../usage-error';
import type { Command } from './command';

const help = `Usage: pipeline-studio run <script.lua> --hook <id> --event <file.json> [options]

Runs one script on one event in the sandbox and prints exactly one JSON object:
  { "ok", "hook", "result", "error", "logs", "durationMs" }
The event file holds a bare payload or a recorded-event envelope ({ id, hook, event, outcome }).

Options:
  --hook <id>          the hook the script runs at (its mode decides what the result means)
  --event <file.json>  the event
  --timeout-ms N       wall-clock limit, 1 to ${maxTimeoutMs} (default ${defaultLimits.timeoutMs})
  --env K=V            a pipeline variable for helpers.env / ctx.env (repeatable)
  --secret NAME=VALUE  a secret for helpers.secret (repeatable; prefer the keychain for real ones)

Exit codes: 0 allowed / returned, 1 denied or failed (error, limit, invalid result), 2 bad usage or input.`;

export interface RunOutput {
  ok: boolean;
  hook: HookId;
  result: JsonValue;
  error: ScriptError | null;
  logs: ScriptOutcome['logs'];
  logsDropped?: { entries: number; bytes: number };
  durationMs: number;
}

export const runCommand: Command = {
  summary: 'run one script on one event',
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      'run',
      args,
      {
        hook: { type: 'string' },
        event: { type: 'string' },
        'timeout-ms': { type: 'string' },
        env: { type: 'string', multiple: true },
        secret: { type: 'string', multiple: true },
      },
      1,
    );
    const scriptFile = positionals[0];
    if (!scriptFile) throw new UsageError('run: the script file is required (see run --help)');
    const hook = requireHook('run', values.hook);
    if (!values.event) throw new UsageError('run: --event <file.json> is required');
    const timeoutMs = positiveInteger('run', '--timeout-ms', values['timeout-ms'], maxTimeoutMs);
    const env = keyValues('run', '--env', values.env);
    const secrets = keyValues('run', '--secret', values.secret);

    const source = await readScriptFile('run', scriptFile);
    const input = readEventInput(parseJsonFile('run', values.event, await readTextFile('run', values.event)), hook);
    if (!input.ok) throw new UsageError(`run: ${values.event}: ${input.error.message}`);

    const pool = createEnginePool({ workers: 1, secrets: staticSecrets(secrets) });
    try {
      // A one-layer pipeline, as the editor's Run: the CLI prints the verdict, not the trace.
      const { outcome } = await runSingleScript({
        pool,
        scriptId: path.basename(scriptFile, '.lua'),
        source,
        hook,
        event: input.event,
        env,
        secretNames: Object.keys(secrets),
        ...(timeoutMs ? { timeoutMs } : {}),
      });
      // The judging is the editor's too (core/authoring/run-script.ts); the CLI prints its fields.
      const verdict = judgeScriptRun(hook, outcome);
      const output: RunOutput = {
        ok: verdict.ok,
        hook,
        result: verdict.result,
        error: verdict.error,
        logs: verdict.logs,
        ...(verdict.logsDropped ? { logsDropped: verdict.logsDropped } : {}),
        durationMs: verdict.durationMs,
      };
      process.stdout.write(`${JSON.stringify(output)}\n`);
      return verdict.ok && verdict.decision.kind !== 'deny' ? 0 : 1;
    } finally {
      await pool.close();
    }
  },
};
