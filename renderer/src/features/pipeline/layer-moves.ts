// Pure edits of one hook's layers (a layer = scripts that run in parallel). The core checks the same
// limits; checking them here first lets the lanes say why a drop is not possible before it is tried.

import type { HookId } from '@shared/hooks/definitions';

export type Layers = string[][];

export const limits = { perLayer: 5, layers: 10 } as const;

/** Where a script comes from: a card of some hook's lane, or the script library (attach). */
export type DragSource =
  | { kind: 'card'; hook: HookId; layer: number; index: number; scriptId: string }
  | { kind: 'library'; scriptId: string };

/** A layer (join its parallel group) or a gap before layer `at` (a new layer there). */
export type DropTarget =
  { kind: 'layer'; hook: HookId; layer: number } | { kind: 'new-layer'; hook: HookId; at: number };

export function layerOf(layers: Layers, scriptId: string): number {
  return layers.findIndex((layer) => layer.includes(scriptId));
}

/** Why `source` cannot go to `target`, or null when it can. */
export function blockReason(layers: Layers, source: DragSource, target: DropTarget): string | null {
  const sameHook = source.kind === 'card' && source.hook === target.hook;
  if (!sameHook && layerOf(layers, source.scriptId) >= 0) return `${source.scriptId} is already in ${target.hook}`;
  if (target.kind === 'layer') {
    if (sameHook && source.layer === target.layer) return null;
    if ((layers[target.layer]?.length ?? 0) >= limits.perLayer)
      return `Layer ${target.layer + 1} is full (${limits.perLayer} scripts)`;
    return null;
  }
  // Moving the only script of a layer into a new layer does not add one.
  const freesLayer = sameHook && layers[source.layer]?.length === 1;
  if (layers.length >= limits.layers && !freesLayer) return `${limits.layers} layers at most`;
  return null;
}

/** The layers after the drop; empty layers are removed. */
export function applyDrop(layers: Layers, source: DragSource, target: DropTarget): Layers {
  // Keep emptied layers until the insert is done, so the target's index still means the same layer.
  const next = layers.map((layer) => [...layer]);
  if (source.kind === 'card' && source.hook === target.hook) next[source.layer]?.splice(source.index, 1);
  if (target.kind === 'layer') next[target.layer]?.push(source.scriptId);
  else next.splice(target.at, 0, [source.scriptId]);
  return next.filter((layer) => layer.length > 0);
}

/** Removes a script from the lane it leaves (a drag between two hooks). */
export function detach(layers: Layers, scriptId: string): Layers {
  return layers.map((layer) => layer.filter((id) => id !== scriptId)).filter((layer) => layer.length > 0);
}

/** Alt+Left/Right: swaps a card with its neighbour in the layer. */
export function reorder(layers: Layers, layer: number, index: number, delta: -1 | 1): Layers | null {
  const row = layers[layer];
  const other = index + delta;
  if (!row || other < 0 || other >= row.length) return null;
  const next = layers.map((l) => [...l]);
  const moved = next[layer] as string[];
  [moved[index], moved[other]] = [moved[other] as string, moved[index] as string];
  return next;
}

/**
 * Alt+Up/Down: into the previous / next layer; past the first or last layer it opens a new layer
 * there (unless the card is already alone in it). Returns the target, or a reason it cannot move.
 */
export function verticalTarget(layers: Layers, hook: HookId, layer: number, delta: -1 | 1): DropTarget | null {
  const neighbour = layer + delta;
  if (neighbour >= 0 && neighbour < layers.length) return { kind: 'layer', hook, layer: neighbour };
  if ((layers[layer]?.length ?? 0) <= 1) return null;
  return { kind: 'new-layer', hook, at: delta < 0 ? 0 : layers.length };
}
