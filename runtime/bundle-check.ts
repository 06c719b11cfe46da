import { validateBundle, type Bundle, type BundleProblem } from '../shared/engine';
import { bundleHash } from '../shared/engine/node/bundle-files';
import { checkLuaSyntax } from '../shared/engine/node/syntax-check';
import { RuntimeError } from './errors';

// What a bundle must pass to be published: the studio's own rules (validateBundle: shape, hooks,
// limits, names) and, as `pipeline-studio check` does, every script compiling with the engine's
// Lua, all reported together as PIPELINE_INVALID problems; then every declared secret must have a
// value here (SECRETS_MISSING), since a pipeline that cannot read its secrets would fail on every
// event. The order matters to the publisher: fix the bundle first, then set what it needs.

export async function checkPublishable(
  input: unknown,
  secretNames: ReadonlySet<string>,
): Promise<{ bundle: Bundle; hash: string }> {
  const validation = validateBundle(input);
  if (!validation.ok) {
    throw new RuntimeError('PIPELINE_INVALID', validation.error.message, { problems: validation.error.problems });
  }
  const { bundle } = validation;
  const problems: BundleProblem[] = [];
  for (const [id, script] of Object.entries(bundle.scripts)) {
    const error = await checkLuaSyntax(script.source);
    if (!error) continue;
    problems.push({
      where: error.line !== undefined ? `${script.file}:${error.line}` : script.file || `scripts.${id}`,
      message: `${error.code}: ${error.message}`,
    });
  }
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new RuntimeError(
      'PIPELINE_INVALID',
      `PIPELINE_INVALID: ${count}: ${problems.map((p) => `${p.where}: ${p.message}`).join('; ')}`,
      { problems },
    );
  }
  const missing = bundle.secrets.filter((name) => !secretNames.has(name));
  if (missing.length > 0) {
    throw new RuntimeError(
      'SECRETS_MISSING',
      `the bundle declares secrets that have no value on this runtime: ${missing.join(', ')} (set them with PUT /v1/secrets/{name})`,
      { missing },
    );
  }
  return { bundle, hash: bundleHash(bundle) };
}
