import type { ChannelOutput } from '../../shared/contract';
import { validateBundle, type Bundle } from '../../shared/engine';
import { checkLuaSyntax } from '../../shared/engine/node/syntax-check';

// The gates a publish must pass, as the preview shows them. Decided here:
// - `valid` is what the runtime itself checks before accepting a bundle (runtime/bundle-check.ts:
//   validateBundle, then every script compiling with the engine's Lua), so a bundle that passes
//   here is not refused as PIPELINE_INVALID there;
// - `secrets` compares the declared names with the runtime's GET /v1/secrets (names only). When the
//   token may not list them (no secrets:write scope) the gate is `pending`: the runtime's own check
//   (409 SECRETS_MISSING) still stops the publish. The detail says which missing names this
//   workspace's keychain could push;
// - `suite` replays the pinned events on publish, so the preview shows it `pending` (or `skipped`
//   when nothing is pinned): a preview must stay quick and must not create replay runs.

export type Gate = ChannelOutput<'publish.preview'>['gates'][number];

export async function validGate(bundle: Bundle): Promise<Gate> {
  const label = 'Pipeline is valid';
  const validation = validateBundle(bundle);
  if (!validation.ok) {
    return { id: 'valid', label, status: 'fail', detail: validation.error.message };
  }
  const problems: string[] = [];
  for (const [id, script] of Object.entries(bundle.scripts)) {
    const error = await checkLuaSyntax(script.source);
    if (error)
      problems.push(`${id}${error.line !== undefined ? `:${error.line}` : ''}: ${error.code}: ${error.message}`);
  }
  if (problems.length > 0) {
    return { id: 'valid', label, status: 'fail', detail: problems.join('; ') };
  }
  const scripts = Object.keys(bundle.scripts).length;
  return { id: 'valid', label, status: 'pass', detail: `${scripts} script${scripts === 1 ? '' : 's'} compile` };
}

export function secretsGate(
  declared: readonly string[],
  onRuntime: ReadonlySet<string> | null,
  inKeychain: ReadonlySet<string>,
): Gate {
  const label = 'Secrets are set on the runtime';
  if (declared.length === 0) {
    return { id: 'secrets', label, status: 'pass', detail: 'the pipeline declares no secret' };
  }
  if (onRuntime === null) {
    return {
      id: 'secrets',
      label,
      status: 'pending',
      detail:
        "the token may not list the runtime's secrets (no secrets:write scope); the runtime checks them on publish",
    };
  }
  const missing = declared.filter((name) => !onRuntime.has(name));
  if (missing.length === 0) {
    return { id: 'secrets', label, status: 'pass', detail: `${declared.length} declared, all set on the runtime` };
  }
  const pushable = missing.filter((name) => inKeychain.has(name));
  const notPushable = missing.filter((name) => !inKeychain.has(name));
  const hints: string[] = [];
  if (pushable.length > 0) hints.push(`publish with "push secrets" to send ${pushable.join(', ')} from this workspace`);
  if (notPushable.length > 0)
    hints.push(
      `${notPushable.join(', ')} ha${notPushable.length === 1 ? 's' : 've'} no value in this workspace either`,
    );
  return {
    id: 'secrets',
    label,
    status: 'fail',
    detail: `missing on the runtime: ${missing.join(', ')} (${hints.join('; ')})`,
    missing,
  };
}

export function suiteGatePreview(pinned: number): Gate {
  const label = 'Pinned regression suite passes';
  if (pinned === 0) return { id: 'suite', label, status: 'skipped', detail: 'no event is pinned' };
  return {
    id: 'suite',
    label,
    status: 'pending',
    detail: `${pinned} pinned event${pinned === 1 ? '' : 's'} replay through this pipeline on publish`,
  };
}
