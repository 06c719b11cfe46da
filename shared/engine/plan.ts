import { modeOf, type HookId } from '../hooks/definitions';
import { BundleInvalidError, type Bundle } from './bundle';
import { formatJsonPath } from './merge';
import { defaultLimits, maxTimeoutMs } from './limits';
import type { ExecutionPlan, ScriptLimits, ScriptUnit } from './types';

// Turns a validated bundle into the plain-data plan that a worker runs for one hook. Hashing needs
// a crypto implementation that differs per host (node:crypto, WebCrypto is async), so the caller
// supplies the hashes and this file stays importable anywhere.

export interface PlanOptions {
  /** The bundle's content hash (node/bundle-files.ts `bundleHash`); the plan key starts with it. */
  bundleHash: string;
  /** Each script's content hash: precomputed by id, or a function of the source (`scriptHash`). */
  scriptHashes: Readonly<Record<string, string>> | ((source: string, scriptId: string) => string);
  /**
   * Overrides of the default limits (e.g. a CLI `--timeout-ms`); the timeout is capped at 10 s
   * (docs/engine.md, "Sandbox").
   */
  limits?: Partial<ScriptLimits>;
}

/**
 * The plan of one hook. A hook the bundle does not configure gets a plan with no layers, which
 * allows (blocking), adds nothing (enrichment) or records nothing (async).
 * Throws BundleInvalidError when a layer names a script the bundle lacks or a hash is missing:
 * plans are made from validated bundles, so this is a programming error, not user input.
 */
export function planHook(bundle: Bundle, hook: HookId, options: PlanOptions): ExecutionPlan {
  const layersOfHook = bundle.hooks[hook]?.layers ?? [];
  const layers = layersOfHook.map((layer, i) =>
    layer.map((id, j): ScriptUnit => {
      const script = Object.prototype.hasOwnProperty.call(bundle.scripts, id) ? bundle.scripts[id] : undefined;
      if (!script) {
        const where = formatJsonPath(['hooks', hook, 'layers', i, j]);
        throw new BundleInvalidError([{ where, message: `script "${id}" is not defined in scripts` }]);
      }
      const unit: ScriptUnit = {
        id,
        source: script.source,
        contentHash: hashOf(options.scriptHashes, id, script.source),
      };
      if (script.timeoutMs !== undefined) unit.timeoutMs = Math.min(script.timeoutMs, maxTimeoutMs);
      if (script.onError !== undefined) unit.onError = script.onError;
      return unit;
    }),
  );
  const limits: ScriptLimits = { ...defaultLimits, ...options.limits };
  limits.timeoutMs = Math.min(limits.timeoutMs, maxTimeoutMs);
  return {
    key: `${options.bundleHash}:${hook}`,
    hook,
    mode: modeOf(hook),
    layers,
    env: { ...bundle.env },
    secretNames: [...bundle.secrets],
    limits,
  };
}

/** The wall-clock limit of one script: its own timeoutMs, else the plan's, never above 10 s. */
export function effectiveTimeoutMs(plan: ExecutionPlan, script: ScriptUnit): number {
  return Math.min(script.timeoutMs ?? plan.limits.timeoutMs, maxTimeoutMs);
}

function hashOf(hashes: PlanOptions['scriptHashes'], id: string, source: string): string {
  if (typeof hashes === 'function') return hashes(source, id);
  const hash = Object.prototype.hasOwnProperty.call(hashes, id) ? hashes[id] : undefined;
  if (hash === undefined) {
    throw new BundleInvalidError([
      { where: formatJsonPath(['scripts', id]), message: 'no content hash was given for this script' },
    ]);
  }
  return hash;
}
