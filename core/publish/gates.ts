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
    ...(notPushable.length > 0 ? { missingLocally: notPushable } : {}),
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

/**
 * What the latest impact of an environment says about the bundle being published (the impact
 * jobs answer it, core/impact/impact-jobs.ts): its flips (allow→deny, deny→allow) and who
 * acknowledged which.
 */
export interface ImpactReview {
  impactId: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  flips: number;
  unacknowledged: number;
  acknowledgements: ImpactAcknowledgement[];
}

export interface ImpactAcknowledgement {
  by: string;
  /** ISO time. */
  at: string;
  note?: string | undefined;
  ids: string[];
}

/** The `impact` gate: an own type until the contract's gate ids name it (docs/publish.md). */
/**
 * Decided here: flips nobody acknowledged fail the gate whatever the impact's status (a cancelled
 * impact already saw them); a running impact fails it (its verdict is not known yet); no impact of
 * this bundle, or one that ended early without flips, skips it, so publishing without the Impact
 * step works as before.
 */
export function impactGate(environment: string, review: ImpactReview | null): Gate {
  const label = 'Impact on real traffic reviewed';
  if (review === null) {
    return {
      id: 'impact',
      label,
      status: 'skipped',
      detail: `no impact of this pipeline was run on ${environment}`,
    };
  }
  if (review.unacknowledged > 0) {
    return {
      id: 'impact',
      label,
      status: 'fail',
      detail: `impact ${review.impactId} on ${environment}: ${review.unacknowledged} of ${review.flips} decision flip${review.flips === 1 ? '' : 's'} (allow→deny, deny→allow) not acknowledged`,
    };
  }
  if (review.status === 'running') {
    return {
      id: 'impact',
      label,
      status: 'fail',
      detail: `impact ${review.impactId} on ${environment} is still running: wait for it to end`,
    };
  }
  if (review.status !== 'done') {
    return {
      id: 'impact',
      label,
      status: 'skipped',
      detail: `the latest impact of this pipeline on ${environment} ended ${review.status} without flips`,
    };
  }
  return {
    id: 'impact',
    label,
    status: 'pass',
    detail:
      review.flips === 0
        ? `impact ${review.impactId}: no decision flipped`
        : `impact ${review.impactId}: ${review.flips} flip${review.flips === 1 ? '' : 's'} acknowledged (${acknowledgementText(review.acknowledgements)})`,
  };
}

/** Who acknowledged what and when, for the publish's message and the history that shows it. */
export function acknowledgementText(acknowledgements: readonly ImpactAcknowledgement[]): string {
  // The last few: a message must stay within what the runtime keeps of it.
  return acknowledgements
    .slice(-3)
    .map(
      (ack) =>
        `${ack.ids.length} (${listed(ack.ids)}) by ${ack.by} at ${ack.at}${ack.note !== undefined && ack.note !== '' ? `: "${ack.note}"` : ''}`,
    )
    .join('; ');
}

function listed(ids: readonly string[]): string {
  const shown = ids.slice(0, 5).join(', ');
  return ids.length > 5 ? `${shown} and ${ids.length - 5} more` : shown;
}
