import { splitBetween, splitNanos, toNanos } from './time';
import type { TraceSpan } from './types';

// The waterfall's geometry, kept out of React and linear in the number of spans so that a trace of
// thousands of spans lays out in a few milliseconds: one pass links parents and children, one
// depth-first pass orders them, one pass per collapse state lists the visible rows. Bars are
// fractions of the trace's duration; the view turns them into percentages.

export interface SpanNode {
  span: TraceSpan;
  /** Position in the tree's pre-order (the order of `nodes`). */
  index: number;
  /** Index of the parent node, or -1 for a root. */
  parent: number;
  children: number[];
  depth: number;
  /** Milliseconds from the trace's start. */
  startMs: number;
  endMs: number;
  /** Every node below this one (for "12 hidden" on a collapsed row). */
  descendants: number;
}

export interface SpanTree {
  /** Pre-order: a parent comes before its children, children by start time. */
  nodes: SpanNode[];
  /** The trace's earliest start, in unix nanoseconds. */
  startNanos: bigint;
  durationMs: number;
  byId: Map<string, number>;
}

/**
 * Links the spans into a tree. A span whose parent is missing becomes a root (a partial trace still
 * shows everything); siblings are ordered by start time, then by their order in the trace.
 */
export function buildSpanTree(spans: readonly TraceSpan[]): SpanTree {
  const starts = spans.map((span) => splitNanos(span.startTimeUnixNano));
  const ends = spans.map((span) => splitNanos(span.endTimeUnixNano));
  let first = -1;
  let last = -1;
  starts.forEach((start, i) => {
    if (start && (first < 0 || splitBetween(starts[first]!, start) < 0)) first = i;
  });
  ends.forEach((end, i) => {
    if (end && (last < 0 || splitBetween(ends[last]!, end) > 0)) last = i;
  });
  const base = first >= 0 ? starts[first]! : ([0, 0] as [number, number]);
  const durationMs = first >= 0 && last >= 0 ? Math.max(0, splitBetween(base, ends[last]!)) : 0;
  const startNanos = first >= 0 ? (toNanos(spans[first]!.startTimeUnixNano) ?? 0n) : 0n;

  const position = new Map<string, number>();
  spans.forEach((span, i) => position.set(span.spanId, i));
  const startOf = starts.map((start) => (start ? splitBetween(base, start) : 0));
  const endOf = ends.map((end, i) => Math.max(startOf[i]!, end ? splitBetween(base, end) : 0));
  const childrenOf: number[][] = spans.map(() => []);
  const roots: number[] = [];
  spans.forEach((span, i) => {
    const parent = span.parentSpanId === undefined ? undefined : position.get(span.parentSpanId);
    if (parent === undefined || parent === i) roots.push(i);
    else childrenOf[parent]!.push(i);
  });
  const byStart = (a: number, b: number) => startOf[a]! - startOf[b]! || a - b;
  const sortIfNeeded = (list: number[]) => {
    // The engine writes siblings in start order already; only sort when they are not (stays O(n)).
    for (let k = 1; k < list.length; k += 1) {
      if (byStart(list[k - 1]!, list[k]!) > 0) return list.sort(byStart);
    }
    return list;
  };

  const nodes: SpanNode[] = [];
  const nodeOf = new Array<number>(spans.length).fill(-1);
  const visit = (rootList: number[]) => {
    // Iterative depth-first walk: a 2,000-deep chain must not overflow the call stack.
    const stack: { span: number; parent: number; depth: number }[] = [];
    for (let k = rootList.length - 1; k >= 0; k -= 1) stack.push({ span: rootList[k]!, parent: -1, depth: 0 });
    while (stack.length > 0) {
      const { span, parent, depth } = stack.pop()!;
      if (nodeOf[span] !== -1) continue; // a cycle in malformed input
      const index = nodes.length;
      nodeOf[span] = index;
      nodes.push({
        span: spans[span]!,
        index,
        parent,
        children: [],
        depth,
        startMs: startOf[span]!,
        endMs: endOf[span]!,
        descendants: 0,
      });
      if (parent >= 0) nodes[parent]!.children.push(index);
      const children = sortIfNeeded(childrenOf[span]!);
      for (let k = children.length - 1; k >= 0; k -= 1)
        stack.push({ span: children[k]!, parent: index, depth: depth + 1 });
    }
  };
  visit(sortIfNeeded(roots));
  // Spans caught in a parent cycle were never reached from a root: show them as roots.
  const unreached = spans.map((_, i) => i).filter((i) => nodeOf[i] === -1);
  if (unreached.length > 0) visit(unreached);

  // In pre-order every descendant comes after its ancestor: one backward pass sums subtree sizes.
  for (let i = nodes.length - 1; i >= 0; i -= 1) {
    const node = nodes[i]!;
    if (node.parent >= 0) nodes[node.parent]!.descendants += node.descendants + 1;
  }
  const byId = new Map<string, number>();
  for (const node of nodes) if (!byId.has(node.span.spanId)) byId.set(node.span.spanId, node.index);
  return { nodes, startNanos, durationMs, byId };
}

/**
 * The critical path: the spans that decide when the trace ends. From each root, the child that ends
 * last is on it; then, walking back in time, the child that ended last before that one started (so
 * a hook's sequential layers are all on it, and of a layer's parallel scripts only the slowest), and
 * so on inside each chosen child. Children that ran in parallel with a chosen one are not on it.
 * O(n log k) for k children per span.
 */
export function criticalPath(tree: SpanTree): Set<number> {
  const onPath = new Set<number>();
  const epsilon = 1e-6;
  const stack: { node: number; limit: number }[] = [];
  for (const node of tree.nodes) if (node.parent === -1) stack.push({ node: node.index, limit: node.endMs });
  while (stack.length > 0) {
    const { node: index, limit } = stack.pop()!;
    const node = tree.nodes[index]!;
    onPath.add(index);
    const children = node.children.slice().sort((a, b) => tree.nodes[b]!.endMs - tree.nodes[a]!.endMs || a - b);
    // A child that ends after its parent (clock skew) still counts as ending with it.
    let cursor = Math.min(node.endMs, limit) + epsilon;
    let chosen = false;
    for (const child of children) {
      const c = tree.nodes[child]!;
      const end = Math.min(c.endMs, node.endMs);
      if (end <= cursor || !chosen) {
        stack.push({ node: child, limit: Math.min(end, cursor) });
        cursor = c.startMs + epsilon;
        chosen = true;
      }
      if (cursor <= node.startMs + epsilon) break;
    }
  }
  return onPath;
}

export interface WaterfallRow {
  node: SpanNode;
  /** Bar start and width as fractions of the trace (0…1). */
  left: number;
  width: number;
  hasChildren: boolean;
  collapsed: boolean;
  critical: boolean;
}

/** The rows to draw: pre-order, without the descendants of collapsed spans. O(n). */
export function waterfallRows(
  tree: SpanTree,
  collapsed: ReadonlySet<string>,
  critical: ReadonlySet<number>,
): WaterfallRow[] {
  const rows: WaterfallRow[] = [];
  const total = tree.durationMs > 0 ? tree.durationMs : 1;
  for (let i = 0; i < tree.nodes.length; i += 1) {
    const node = tree.nodes[i]!;
    const isCollapsed = node.children.length > 0 && collapsed.has(node.span.spanId);
    rows.push({
      node,
      left: node.startMs / total,
      width: (node.endMs - node.startMs) / total,
      hasChildren: node.children.length > 0,
      collapsed: isCollapsed,
      critical: critical.has(i),
    });
    // Pre-order: a subtree is the next `descendants` nodes, so skipping it is one jump.
    if (isCollapsed) i += node.descendants;
  }
  return rows;
}

/** The row a person lands on after Left on `index`: collapse it, or go to its parent. */
export function parentRow(rows: readonly WaterfallRow[], index: number): number {
  const parent = rows[index]?.node.parent ?? -1;
  if (parent < 0) return index;
  for (let k = index - 1; k >= 0; k -= 1) if (rows[k]!.node.index === parent) return k;
  return index;
}

/** The visible part of the trace in a zoomed view: fractions of the duration, clamped. */
export interface TimeWindow {
  from: number;
  to: number;
}

export const fullWindow: TimeWindow = { from: 0, to: 1 };

/** Zooms around `center` (a fraction of the trace) by `factor` (< 1 zooms in), kept inside [0, 1]. */
export function zoomWindow(window: TimeWindow, factor: number, center = (window.from + window.to) / 2): TimeWindow {
  const minWidth = 0.0005;
  const width = Math.min(1, Math.max(minWidth, (window.to - window.from) * factor));
  return panWindow({ from: center - width / 2, to: center + width / 2 }, 0);
}

/** Moves the window by `delta` (a fraction of the trace), kept inside [0, 1]. */
export function panWindow(window: TimeWindow, delta: number): TimeWindow {
  const width = Math.min(1, window.to - window.from);
  const from = Math.min(1 - width, Math.max(0, window.from + delta));
  return { from, to: from + width };
}

/**
 * The spans whose name, status message or a text attribute contains `query` (case-insensitive),
 * in the waterfall's order. O(n × attributes).
 */
export function findSpans(tree: SpanTree, query: string): number[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [];
  const found: number[] = [];
  for (const node of tree.nodes) {
    const { span } = node;
    const texts = [span.name, span.status.message ?? '', ...Object.values(span.attributes).map(String)];
    if (texts.some((text) => text.toLowerCase().includes(needle))) found.push(node.index);
  }
  return found;
}

/** The ids of the spans above `index`: what must be expanded for its row to show. */
export function ancestorIds(tree: SpanTree, index: number): string[] {
  const ids: string[] = [];
  for (let parent = tree.nodes[index]?.parent ?? -1; parent >= 0; parent = tree.nodes[parent]!.parent) {
    ids.push(tree.nodes[parent]!.span.spanId);
  }
  return ids;
}
