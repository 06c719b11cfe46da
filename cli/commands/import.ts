import { stat } from 'node:fs/promises';
import { BundleInvalidError, type BundleProblem } from '../../shared/engine';
import { readBundleFolder } from '../../shared/engine/node/bundle-files';
import type { Workspace } from '../../core/store';
import { parseCommandArgs } from '../args';
import { UsageError } from '../usage-error';
import type { Command } from './command';
import { dataOptionHelp, withWorkspace } from './workspace-access';

const help = `Usage: pipeline-studio import <bundle-dir> [--message "…"] [--data DIR]

Makes the workspace's pipeline the bundle folder's (pipeline.json and its scripts). A script whose
text changed gets a new version (its history is kept), an identical one gets none, and a script
the bundle no longer has is archived with its versions. Import validates the bundle like check
(format, hooks, limits) but does not compile the scripts: run check for that.

Options:
  --message "…"        the message of the new script versions (default: Imported from bundle "<name>")
${dataOptionHelp}

Prints { "ok", "name", "hash", "scripts": { "added", "changed", "unchanged", "archived",
"settingsChanged" }, "versions", "hooks", "missingSecrets" } on stdout and a summary on stderr.
settingsChanged lists unchanged scripts whose file, description, timeoutMs or onError changed.
An invalid bundle changes nothing: each problem goes to stderr and
{ "ok": false, "code": "PIPELINE_INVALID", "problems": [{ "where", "message" }] } to stdout.

Exit codes: 0 imported, 1 PIPELINE_INVALID, 2 bad usage, an unreadable folder or workspace.`;

function refuse(problems: readonly BundleProblem[]): number {
  for (const problem of problems) process.stderr.write(`${problem.where}: ${problem.message}\n`);
  process.stderr.write(`import: PIPELINE_INVALID: ${problems.length} problem(s); the workspace was not changed\n`);
  process.stdout.write(`${JSON.stringify({ ok: false, code: 'PIPELINE_INVALID', problems })}\n`);
  return 1;
}

/** Secrets the pipeline names that have no value recorded in an environment, per environment. */
function missingSecrets(workspace: Workspace, names: readonly string[]): Record<string, string[]> {
  const missing: Record<string, string[]> = {};
  if (names.length === 0) return missing;
  for (const [environment, present] of Object.entries(workspace.secretNames.all())) {
    const absent = names.filter((name) => !present.includes(name));
    if (absent.length > 0) missing[environment] = absent;
  }
  return missing;
}

export const importCommand: Command = {
  summary: 'import a bundle folder into the workspace (new script versions for changes)',
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      'import',
      args,
      { message: { type: 'string' }, data: { type: 'string' } },
      1,
    );
    const dir = positionals[0];
    if (!dir) throw new UsageError('import: the bundle folder is required (see import --help)');
    if (values.message !== undefined && values.message.trim() === '') {
      throw new UsageError('import: --message must not be empty');
    }
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw new UsageError(`import: ${dir} is not a folder`);

    // Read and validated before the workspace is opened: an invalid bundle never touches it.
    const read = await readBundleFolder(dir);
    if (!read.ok) return refuse(read.error.problems);
    const { bundle, hash } = read;

    return withWorkspace('import', values.data, (workspace) => {
      const before = new Map(Object.keys(bundle.scripts).map((id) => [id, workspace.scripts.get(id)]));
      let result;
      try {
        result = workspace.importBundle(bundle, values.message === undefined ? {} : { message: values.message });
      } catch (error) {
        // Cannot happen after readBundleFolder validated, unless the store's rules are stricter.
        if (error instanceof BundleInvalidError) return refuse(error.problems);
        throw error;
      }
      // Same text but another file name, description, timeout or onError: no new version, yet an
      // admin reviewing the import should see that the script's settings moved.
      const settingsChanged = result.unchanged.filter((id) => {
        const was = before.get(id);
        const now = bundle.scripts[id];
        return (
          was !== undefined &&
          now !== undefined &&
          (was.file !== now.file ||
            was.description !== now.description ||
            was.timeoutMs !== now.timeoutMs ||
            was.onError !== now.onError)
        );
      });
      const versions: Record<string, number> = {};
      for (const id of Object.keys(bundle.scripts).sort()) {
        const script = workspace.scripts.get(id);
        if (script) versions[id] = script.latest.version;
      }
      const hooks: Record<string, { layers: number; scripts: number }> = {};
      for (const [hook, entry] of Object.entries(bundle.hooks)) {
        if (!entry || entry.layers.length === 0) continue;
        hooks[hook] = { layers: entry.layers.length, scripts: entry.layers.flat().length };
      }
      const missing = missingSecrets(workspace, bundle.secrets);
      const summary = {
        ok: true,
        name: bundle.name,
        hash,
        scripts: {
          added: result.created,
          changed: result.updated,
          unchanged: result.unchanged,
          archived: result.archived,
          settingsChanged,
        },
        versions,
        hooks,
        missingSecrets: missing,
      };
      process.stderr.write(
        `import: ${bundle.name} (${hash.slice(0, 12)}): ${result.created.length} added, ` +
          `${result.updated.length} changed, ${result.unchanged.length} unchanged` +
          `${settingsChanged.length > 0 ? ` (${settingsChanged.length} with new settings)` : ''}, ` +
          `${result.archived.length} archived; ${Object.keys(hooks).length} hooks\n`,
      );
      for (const [environment, names] of Object.entries(missing)) {
        process.stderr.write(
          `import: no value in ${environment} for ${names.join(', ')} ` +
            `(set with: pipeline-studio secrets set <NAME> --env ${environment})\n`,
        );
      }
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return 0;
    });
  },
};
