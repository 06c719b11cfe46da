import { planHook } from '../../shared/engine';
import { readBundleFolder, scriptHash } from '../../shared/engine/node/bundle-files';
import type { HookId } from '../../shared/hooks';
import type { GenerateTarget } from './generate-run';

// A bundle folder's pipeline for one hook as a generate target, planned as a replay plans it.

export type BundleTarget =
  { ok: true; target: Extract<GenerateTarget, { kind: 'pipeline' }>; scripts: number } | { ok: false; message: string };

export async function bundleTarget(dir: string, hook: HookId): Promise<BundleTarget> {
  const read = await readBundleFolder(dir);
  if (!read.ok) {
    const first = read.error.problems[0];
    const more = read.error.problems.length > 1 ? ` (and ${read.error.problems.length - 1} more; see check)` : '';
    return { ok: false, message: `PIPELINE_INVALID: ${first?.where}: ${first?.message}${more}` };
  }
  const plan = planHook(read.bundle, hook, { bundleHash: read.hash, scriptHashes: scriptHash });
  const scripts = plan.layers.reduce((n, layer) => n + layer.length, 0);
  return { ok: true, target: { kind: 'pipeline', plan }, scripts };
}
