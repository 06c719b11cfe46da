import { readdir, readFile, realpath, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  BundleInvalidError,
  bundleFormat,
  isPlainObject,
  isSafeScriptPath,
  validateBundle,
  type Bundle,
  type BundleProblem,
} from '../../shared/engine';
import { bundleHash, writeBundleFolder } from '../../shared/engine/node/bundle-files';
import { parseCommandArgs } from '../args';
import { UsageError } from '../usage-error';
import type { Command } from './command';
import { dataOptionHelp, withWorkspace } from './workspace-access';

const help = `Usage: pipeline-studio export <dir> [--force] [--data DIR]

Writes the workspace's pipeline as a bundle folder: pipeline.json and each active script's latest
version under its file name. The formatting is stable (keys in a fixed order, two-space indent, a
final newline), so exporting twice gives the same bytes and an export diffs cleanly in git.
Secrets appear by name only; no value is ever written.

The folder may be missing, empty (dot-files such as .git do not count) or an earlier export (it has
a pipeline-studio pipeline.json): the files are rewritten, and script files the previous
pipeline.json named that the pipeline no longer has are removed. Any other non-empty folder is
refused unless --force; --force writes beside what is there and removes nothing.

Options:
  --force              write into a non-empty folder that is not a bundle
${dataOptionHelp}

Prints { "ok", "dir", "name", "hash", "files", "removed" } on stdout.
Exit codes: 0 written, 1 the workspace's pipeline is invalid (each problem on stderr), 2 bad usage,
the folder is refused or cannot be written, or there is no workspace.`;

type Target = { kind: 'new' } | { kind: 'bundle'; previousFiles: string[] } | { kind: 'other' };

/** What is at `dir` now; a file, or a folder that cannot be listed, is bad usage. */
async function inspectTarget(dir: string): Promise<Target> {
  let entries: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new UsageError(`export: ${dir} is a file, not a folder`);
    entries = await readdir(dir);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'new' };
    throw new UsageError(`export: cannot read ${dir}: ${(error as Error).message}`);
  }
  if (entries.every((entry) => entry.startsWith('.'))) return { kind: 'new' };
  if (!entries.includes('pipeline.json')) return { kind: 'other' };
  // Only our own manifest makes the folder a bundle: another tool's pipeline.json must not be replaced.
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'pipeline.json'), 'utf8'));
  } catch {
    return { kind: 'other' };
  }
  if (!isPlainObject(manifest) || manifest.format !== bundleFormat) return { kind: 'other' };
  const previousFiles = isPlainObject(manifest.scripts)
    ? Object.values(manifest.scripts).flatMap((entry) =>
        isPlainObject(entry) && typeof entry.file === 'string' && isSafeScriptPath(entry.file) ? [entry.file] : [],
      )
    : [];
  return { kind: 'bundle', previousFiles };
}

/**
 * Removes the files an earlier export wrote that the new bundle no longer names, and the folders
 * they leave empty, so the folder is exactly the workspace's pipeline (git shows the deletions).
 * Only files the previous manifest named, and only inside the folder after resolving links.
 */
async function removeStaleFiles(dir: string, previous: readonly string[], current: ReadonlySet<string>) {
  const root = await realpath(dir);
  const removed: string[] = [];
  for (const file of [...new Set(previous)].sort()) {
    if (current.has(file)) continue;
    const target = path.join(root, file);
    const parent = await realpath(path.dirname(target)).catch(() => null);
    if (parent === null || (parent !== root && !parent.startsWith(root + path.sep))) continue;
    try {
      await unlink(target);
      removed.push(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (let folder = path.dirname(target); folder.startsWith(root + path.sep); folder = path.dirname(folder)) {
      if (
        !(await rmdir(folder)
          .then(() => true)
          .catch(() => false))
      )
        break;
    }
  }
  return removed;
}

function invalid(problems: readonly BundleProblem[]): number {
  for (const problem of problems) process.stderr.write(`${problem.where}: ${problem.message}\n`);
  process.stderr.write(`export: PIPELINE_INVALID: the workspace's pipeline has ${problems.length} problem(s)\n`);
  process.stdout.write(`${JSON.stringify({ ok: false, code: 'PIPELINE_INVALID', problems })}\n`);
  return 1;
}

export const exportCommand: Command = {
  summary: 'write the workspace as a bundle folder (stable formatting)',
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      'export',
      args,
      { force: { type: 'boolean' }, data: { type: 'string' } },
      1,
    );
    const dir = positionals[0];
    if (!dir) throw new UsageError('export: the target folder is required (see export --help)');
    const target = await inspectTarget(dir);
    if (target.kind === 'other' && !values.force) {
      throw new UsageError(
        `export: ${dir} is not empty and is not a bundle folder (no pipeline-studio pipeline.json); ` +
          'refusing to write into it (use --force to write anyway)',
      );
    }

    const bundle: Bundle = await withWorkspace('export', values.data, (workspace) => workspace.exportBundle(), {
      mustExist: true,
    });
    const validation = validateBundle(bundle);
    if (!validation.ok) return invalid(validation.error.problems);

    let removed: string[] = [];
    try {
      await writeBundleFolder(dir, bundle);
      const files = new Set(Object.values(bundle.scripts).map((script) => script.file));
      if (target.kind === 'bundle') removed = await removeStaleFiles(dir, target.previousFiles, files);
    } catch (error) {
      if (error instanceof BundleInvalidError) return invalid(error.problems);
      // File-system failures (EACCES, ENOSPC, EROFS, …) carry a code and name the file.
      if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
      throw new UsageError(`export: cannot write ${dir}: ${(error as Error).message}`);
    }
    const files = [...new Set(Object.values(bundle.scripts).map((script) => script.file))].sort();
    const hash = bundleHash(bundle);
    process.stderr.write(
      `export: ${bundle.name} (${hash.slice(0, 12)}) → ${dir}: ${files.length} script files` +
        `${removed.length > 0 ? `, ${removed.length} removed` : ''}\n`,
    );
    process.stdout.write(
      `${JSON.stringify({ ok: true, dir: path.resolve(dir), name: bundle.name, hash, files: ['pipeline.json', ...files], removed })}\n`,
    );
    return 0;
  },
};
