import { buildSpanTree, type SpanNode, type SpanTree } from './waterfall-layout';
import type { TraceSpan } from './types';

// Two traces of one event, span by span. Span ids differ between runs, so spans are matched by
// what they are in the pipeline: the hook, `layer N`, `layer N / script id`, and a script's fetches
// by method and URL in order (`… / fetch GET https://x #2` for the second one to the same URL).

export type SpanStatusCode = TraceSpan['status']['code'];

export interface ComparedSide {
  spanId: string;
  durationMs: number;
  status: SpanStatusCode;
  statusMessage?: string;
}

export interface ComparedSpan {
  /** The alignment key, e.g. `layer 1 / script geo`. */
  key: string;
  /** The last part of the key, for the row's label. */
  label: string;
  kind: TraceSpan['kind'];
  depth: number;
  left: ComparedSide | null;
  right: ComparedSide | null;
  /** right − left, when the span is in both. */
  deltaMs: number | null;
  statusChanged: boolean;
}

export interface TraceComparison {
  rows: ComparedSpan[];
  onlyLeft: number;
  onlyRight: number;
  statusChanges: number;
  /** Whole traces: right − left. */
  totalDeltaMs: number;
}

function labelOf(node: SpanNode): string {
  const { span } = node;
  const scriptId = span.attributes['script.id'];
  if (span.kind === 'hook') return 'hook';
  if (span.kind === 'layer') {
    const layer = span.attributes['pipeline.layer'];
    return layer === undefined ? span.name : `layer ${String(layer)}`;
  }
  if (span.kind === 'script' && typeof scriptId === 'string') return `script ${scriptId}`;
  return span.name;
}

/** The alignment key of every node of a tree, in its pre-order. */
export function alignmentKeys(tree: SpanTree): string[] {
  const keys: string[] = [];
  const seen = new Map<string, number>();
  for (const node of tree.nodes) {
    const parentKey = node.parent >= 0 ? keys[node.parent]! : '';
    const base = parentKey ? `${parentKey} / ${labelOf(node)}` : labelOf(node);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    keys.push(count === 1 ? base : `${base} #${count}`);
  }
  return keys;
}

function side(node: SpanNode): ComparedSide {
  const side: ComparedSide = {
    spanId: node.span.spanId,
    durationMs: node.endMs - node.startMs,
    status: node.span.status.code,
  };
  if (node.span.status.message !== undefined) side.statusMessage = node.span.status.message;
  return side;
}

function lastPart(key: string): string {
  const parts = key.split(' / ');
  return parts[parts.length - 1] ?? key;
}

/**
 * Aligns two traces: every span of the left one in its order, with its match on the right; spans
 * only on the right are placed after their closest preceding span (in the right trace's order) that
 * is already listed, so a script added to a layer appears inside that layer.
 */
export function compareTraces(leftSpans: readonly TraceSpan[], rightSpans: readonly TraceSpan[]): TraceComparison {
  const left = buildSpanTree(leftSpans);
  const right = buildSpanTree(rightSpans);
  const leftKeys = alignmentKeys(left);
  const rightKeys = alignmentKeys(right);
  const rightByKey = new Map<string, SpanNode>();
  right.nodes.forEach((node, i) => rightByKey.set(rightKeys[i]!, node));

  const rows: ComparedSpan[] = left.nodes.map((node, i) => {
    const key = leftKeys[i]!;
    const match = rightByKey.get(key);
    const l = side(node);
    const r = match ? side(match) : null;
    return {
      key,
      label: lastPart(key),
      kind: node.span.kind,
      depth: node.depth,
      left: l,
      right: r,
      deltaMs: r ? r.durationMs - l.durationMs : null,
      statusChanged: r !== null && r.status !== l.status,
    };
  });

  // A right-only span goes after the row of the last span before it (in the right trace's order)
  // that both traces have, so a script added to a layer shows inside that layer.
  const leftIndex = new Map<string, number>();
  rows.forEach((row, i) => leftIndex.set(row.key, i));
  const after: ComparedSpan[][] = Array.from({ length: rows.length + 1 }, () => []);
  let anchor = -1;
  right.nodes.forEach((node, i) => {
    const key = rightKeys[i]!;
    const shared = leftIndex.get(key);
    if (shared !== undefined) {
      anchor = shared;
      return;
    }
    after[anchor + 1]!.push({
      key,
      label: lastPart(key),
      kind: node.span.kind,
      depth: node.depth,
      left: null,
      right: side(node),
      deltaMs: null,
      statusChanged: false,
    });
  });
  const merged: ComparedSpan[] = [...after[0]!];
  rows.forEach((row, i) => merged.push(row, ...after[i + 1]!));

  return {
    rows: merged,
    onlyLeft: merged.filter((row) => row.right === null).length,
    onlyRight: merged.filter((row) => row.left === null).length,
    statusChanges: merged.filter((row) => row.statusChanged).length,
    totalDeltaMs: right.durationMs - left.durationMs,
  };
}
