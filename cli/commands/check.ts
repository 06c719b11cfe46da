import { stat } from 'node:fs/promises';
import type { BundleProblem } from '../../shared/engine';
import { readBundleFolder } from '../../shared/engine/node/bundle-files';
import { checkLuaSyntax } from '../../shared/engine/node/syntax-check';
import { parseCommandArgs } from '../args';
import { UsageError } from '../usage-error';
import type { Command } from './command';

const help = `Usage: pipeline-studio check <bundle-dir>

Validates a bundle folder (pipeline.json and its scripts): the format, the hooks, the limits
(10 layers, 5 scripts a layer, 5 KB a script), and that every script compiles with the engine's Lua.
Prints { "ok", "name", "hash", "scripts", "problems": [{ "where", "message", "line"? }] } on stdout
and each problem on stderr.

Exit codes: 0 valid, 1 problems found, 2 the folder cannot be read.`;

interface CheckProblem extends BundleProblem {
  line?: number;
}

export const checkCommand: Command = {
  summary: 'validate a bundle folder: schema, limits, every script compiles',
  help,
  async run(args) {
    const { positionals } = parseCommandArgs('check', args, {}, 1);
    const dir = positionals[0];
    if (!dir) throw new UsageError('check: the bundle folder is required (see check --help)');
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw new UsageError(`check: ${dir} is not a folder`);

    const read = await readBundleFolder(dir);
    const problems: CheckProblem[] = [];
    let summary: { name: string | null; hash: string | null; scripts: number } = { name: null, hash: null, scripts: 0 };
    if (!read.ok) {
      problems.push(...read.error.problems);
    } else {
      const { bundle, hash } = read;
      summary = { name: bundle.name, hash, scripts: Object.keys(bundle.scripts).length };
      // Compiled one by one: the checker is a single engine, and bundles hold at most a few dozen scripts.
      for (const [id, script] of Object.entries(bundle.scripts)) {
        const error = await checkLuaSyntax(script.source);
        if (!error) continue;
        const problem: CheckProblem = {
          where: script.file ?? `scripts.${id}`,
          message: `${error.code}: ${error.message}`,
        };
        if (error.line !== undefined) {
          problem.line = error.line;
          problem.where = `${problem.where}:${error.line}`;
        }
        problems.push(problem);
      }
    }
    for (const problem of problems) process.stderr.write(`${problem.where}: ${problem.message}\n`);
    if (problems.length === 0) process.stderr.write(`${dir}: ok (${summary.scripts} scripts)\n`);
    process.stdout.write(`${JSON.stringify({ ok: problems.length === 0, ...summary, problems })}\n`);
    return problems.length === 0 ? 0 : 1;
  },
};
