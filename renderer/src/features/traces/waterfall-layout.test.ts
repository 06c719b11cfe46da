import { describe, expect, it } from 'vitest';
import { layeredTrace, span } from './trace-fixtures';
import {
  ancestorIds,
  buildSpanTree,
  findSpans,
  criticalPath,
  fullWindow,
  panWindow,
  parentRow,
  waterfallRows,
  zoomWindow,
  type SpanTree,
} from './waterfall-layout';

const names = (tree: SpanTree, indexes: Iterable<number>) =>
  [...indexes].sort((a, b) => a - b).map((i) => tree.nodes[i]!.span.name);

describe('buildSpanTree', () => {
  it('orders hook → layers → scripts → fetches depth first, siblings by start', () => {
    const tree = buildSpanTree(layeredTrace());
    expect(tree.nodes.map((n) => `${'  '.repeat(n.depth)}${n.span.name}`)).toEqual([
      'hook signup.before',
      '  layer 1',
      '    script geo',
      '    script slow-check',
      '      fetch GET https://risk.example/score',
      '  layer 2',
      '    script decide',
    ]);
    expect(tree.durationMs).toBeCloseTo(82, 6);
    expect(tree.nodes[0]!.descendants).toBe(6);
    expect(tree.nodes[1]!.descendants).toBe(3);
    expect(tree.nodes[3]!.startMs).toBeCloseTo(1.2, 6);
    expect(tree.byId.get('l2')).toBe(5);
  });

  it('keeps spans whose parent is missing, and survives a parent cycle', () => {
    const tree = buildSpanTree([
      span('orphan', 'gone', 'script', 'script orphan', 5, 6),
      span('root', undefined, 'hook', 'hook x', 0, 10),
      span('a', 'b', 'layer', 'a', 1, 2),
      span('b', 'a', 'layer', 'b', 1, 2),
    ]);
    expect(tree.nodes.map((n) => n.span.spanId).sort()).toEqual(['a', 'b', 'orphan', 'root']);
    expect(tree.nodes.filter((n) => n.parent === -1).map((n) => n.span.spanId)).toContain('orphan');
  });

  it('handles an empty trace and a 2,000-deep chain', () => {
    expect(buildSpanTree([]).nodes).toEqual([]);
    const chain = Array.from({ length: 2000 }, (_, i) =>
      span(`s${i}`, i === 0 ? undefined : `s${i - 1}`, 'script', `s${i}`, i * 0.01, 100 - i * 0.01),
    );
    const tree = buildSpanTree(chain);
    expect(tree.nodes[1999]!.depth).toBe(1999);
    expect(criticalPath(tree).size).toBe(2000);
  });
});

describe('criticalPath', () => {
  it('follows the child that ends last, and the sequential siblings before it', () => {
    const tree = buildSpanTree(layeredTrace());
    // Both layers (sequential), the slower of the parallel scripts and its fetch; not `geo`.
    expect(names(tree, criticalPath(tree))).toEqual([
      'hook signup.before',
      'layer 1',
      'script slow-check',
      'fetch GET https://risk.example/score',
      'layer 2',
      'script decide',
    ]);
  });

  it('picks only the last-ending of overlapping children', () => {
    const tree = buildSpanTree([
      span('r', undefined, 'hook', 'r', 0, 100),
      span('a', 'r', 'script', 'a', 0, 90),
      span('b', 'r', 'script', 'b', 10, 99),
      span('c', 'r', 'script', 'c', 20, 30),
    ]);
    expect(names(tree, criticalPath(tree))).toEqual(['r', 'b']);
  });

  it('treats a child that ends after its parent (clock skew) as ending with it', () => {
    const tree = buildSpanTree([
      span('r', undefined, 'hook', 'r', 0, 50),
      span('late', 'r', 'script', 'late', 30, 55),
      span('early', 'r', 'script', 'early', 0, 29),
    ]);
    expect(names(tree, criticalPath(tree))).toEqual(['r', 'early', 'late']);
  });
});

describe('waterfallRows', () => {
  it('places bars as fractions of the trace and hides collapsed subtrees', () => {
    const tree = buildSpanTree(layeredTrace());
    const critical = criticalPath(tree);
    const all = waterfallRows(tree, new Set(), critical);
    expect(all).toHaveLength(7);
    const slow = all[3]!;
    expect(slow.left).toBeCloseTo(1.2 / 82, 6);
    expect(slow.width).toBeCloseTo((60 - 1.2) / 82, 6);
    expect(slow.critical).toBe(true);
    expect(all[2]!.critical).toBe(false);

    const folded = waterfallRows(tree, new Set(['l1']), critical);
    expect(folded.map((r) => r.node.span.spanId)).toEqual(['root', 'l1', 'l2', 's-decide']);
    expect(folded[1]).toMatchObject({ collapsed: true, hasChildren: true });
    // Collapsing a leaf changes nothing.
    expect(waterfallRows(tree, new Set(['f-1']), critical)).toHaveLength(7);
  });

  it('finds the parent row for Left', () => {
    const tree = buildSpanTree(layeredTrace());
    const rows = waterfallRows(tree, new Set(), criticalPath(tree));
    expect(parentRow(rows, 4)).toBe(3);
    expect(parentRow(rows, 5)).toBe(0);
    expect(parentRow(rows, 0)).toBe(0);
  });

  it('lays out 2,000 spans, every one a row (speed: bench/replay-ui)', () => {
    const spans = [span('root', undefined, 'hook', 'hook', 0, 1000)];
    for (let l = 0; l < 40; l += 1) {
      spans.push(span(`l${l}`, 'root', 'layer', `layer ${l + 1}`, l * 25, l * 25 + 24));
      for (let s = 0; s < 49; s += 1)
        spans.push(span(`l${l}s${s}`, `l${l}`, 'script', `script s${s}`, l * 25, l * 25 + s * 0.4));
    }
    const tree = buildSpanTree(spans);
    const rows = waterfallRows(tree, new Set(), criticalPath(tree));
    expect(rows).toHaveLength(1 + 40 * 50);
  });
});

describe('time windows', () => {
  it('zooms around a centre and pans inside the trace', () => {
    const zoomed = zoomWindow(fullWindow, 0.5, 0.9);
    expect(zoomed.from).toBeCloseTo(0.5);
    expect(zoomed.to).toBeCloseTo(1);
    expect(panWindow({ from: 0.2, to: 0.4 }, -0.5)).toEqual({ from: 0, to: 0.2 });
    expect(zoomWindow({ from: 0.2, to: 0.4 }, 10)).toEqual(fullWindow);
  });
});

describe('findSpans', () => {
  it('finds spans by name or attribute text and says what to expand to show them', () => {
    const tree = buildSpanTree(layeredTrace());
    const byUrl = findSpans(tree, 'RISK.example');
    expect(byUrl.map((i) => tree.nodes[i]!.span.spanId)).toEqual(['f-1']);
    expect(ancestorIds(tree, byUrl[0]!)).toEqual(['s-slow', 'l1', 'root']);
    expect(findSpans(tree, 'layer').map((i) => tree.nodes[i]!.span.spanId)).toEqual(['l1', 'l2']);
    expect(findSpans(tree, 'slow-check')).toEqual([3, 4]);
    expect(findSpans(tree, '  ')).toEqual([]);
  });
});
