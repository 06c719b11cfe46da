import type { ChannelOutput } from '../../shared/contract';
import type { Bundle, InlinedScript } from '../../shared/engine';
import { bundleHash } from '../../shared/engine/node/bundle-files';
import { hookDefinitions, type HookId } from '../../shared/hooks';

// What publishing `after` over `before` (the runtime's active bundle, null when none) changes.
// A pure function. Decided here:
// - a script is `changed` when its source or one of its settings (file, description, timeoutMs,
//   onError) differs: both change the bundle's hash and the behaviour; before/after carry sources;
// - hooks with no layers on either side are left out (16 hooks, most empty); the others come in
//   lifecycle order, scripts, env keys and secrets by name;
// - secrets are names only (the bundle never holds a value);
// - `identical` is the bundle hashes being equal (the runtime would record nothing), so a rename
//   of the bundle alone is not identical even though no entry changed.

export type BundleDiff = ChannelOutput<'publish.preview'>['diff'];
type Change = 'added' | 'removed' | 'changed' | 'unchanged';

const hookOrder = new Map<string, number>(hookDefinitions.map((hook, index) => [hook.id, index]));

function change<T>(before: T | undefined, after: T | undefined, same: (a: T, b: T) => boolean): Change {
  if (before === undefined) return 'added';
  if (after === undefined) return 'removed';
  return same(before, after) ? 'unchanged' : 'changed';
}

function sameScript(a: InlinedScript, b: InlinedScript): boolean {
  return (
    a.source === b.source &&
    a.file === b.file &&
    a.description === b.description &&
    a.timeoutMs === b.timeoutMs &&
    a.onError === b.onError
  );
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

export function diffBundles(before: Bundle | null, after: Bundle): BundleDiff {
  const scripts = sorted([...Object.keys(before?.scripts ?? {}), ...Object.keys(after.scripts)]).map((id) => {
    const old = before?.scripts[id];
    const now = after.scripts[id];
    const entry: BundleDiff['scripts'][number] = { id, change: change(old, now, sameScript) };
    if (old) entry.before = old.source;
    if (now) entry.after = now.source;
    return entry;
  });

  const layersOf = (bundle: Bundle | null, hook: string): string[][] =>
    bundle?.hooks[hook as HookId]?.layers.map((layer) => [...layer]) ?? [];
  const hooks = [...new Set([...Object.keys(before?.hooks ?? {}), ...Object.keys(after.hooks)])]
    .filter((hook) => layersOf(before, hook).length > 0 || layersOf(after, hook).length > 0)
    .sort((a, b) => (hookOrder.get(a) ?? 99) - (hookOrder.get(b) ?? 99))
    .map((hook) => {
      const old = layersOf(before, hook);
      const now = layersOf(after, hook);
      const kind: Change =
        old.length === 0
          ? 'added'
          : now.length === 0
            ? 'removed'
            : JSON.stringify(old) === JSON.stringify(now)
              ? 'unchanged'
              : 'changed';
      return { hook: hook as HookId, change: kind, before: old, after: now };
    });

  const env = sorted([...Object.keys(before?.env ?? {}), ...Object.keys(after.env)]).map((key) => {
    const old = before?.env[key];
    const now = after.env[key];
    const entry: BundleDiff['env'][number] = { key, change: change(old, now, (a, b) => a === b) };
    if (old !== undefined) entry.before = old;
    if (now !== undefined) entry.after = now;
    return entry;
  });

  const beforeSecrets = new Set(before?.secrets ?? []);
  const afterSecrets = new Set(after.secrets);
  const secrets = sorted([...beforeSecrets, ...afterSecrets]).map((name) => ({
    name,
    change: (!beforeSecrets.has(name) ? 'added' : !afterSecrets.has(name) ? 'removed' : 'unchanged') as Change,
  }));

  return {
    scripts,
    hooks,
    env,
    secrets,
    identical: before !== null && bundleHash(before) === bundleHash(after),
  };
}

/** One line per kind of change, for the CLI and logs: `scripts: 1 added, 2 changed; hooks: …`. */
export function diffSummary(diff: BundleDiff): string {
  if (diff.identical) return 'no change: the runtime already runs this bundle';
  const part = (label: string, entries: { change: Change }[]) => {
    const counts = (['added', 'changed', 'removed'] as const)
      .map((kind) => [kind, entries.filter((entry) => entry.change === kind).length] as const)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${kind}`);
    return counts.length > 0 ? `${label}: ${counts.join(', ')}` : null;
  };
  const parts = [
    part('scripts', diff.scripts),
    part('hooks', diff.hooks),
    part('env', diff.env),
    part('secrets', diff.secrets),
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join('; ') : 'only the bundle name changed';
}
