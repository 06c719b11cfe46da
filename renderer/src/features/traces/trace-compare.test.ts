import { describe, expect, it } from 'vitest';
import { alignmentKeys, compareTraces } from './trace-compare';
import { at, layeredTrace, span } from './trace-fixtures';
import { buildSpanTree } from './waterfall-layout';

describe('alignmentKeys', () => {
  it('names spans by their place in the pipeline, numbering repeated fetches', () => {
    const spans = [...layeredTrace(), span('f-2', 's-slow', 'fetch', 'fetch GET https://risk.example/score', 56, 59)];
    expect(alignmentKeys(buildSpanTree(spans))).toEqual([
      'hook',
      'hook / layer 1',
      'hook / layer 1 / script geo',
      'hook / layer 1 / script slow-check',
      'hook / layer 1 / script slow-check / fetch GET https://risk.example/score',
      'hook / layer 1 / script slow-check / fetch GET https://risk.example/score #2',
      'hook / layer 2',
      'hook / layer 2 / script decide',
    ]);
  });
});

describe('compareTraces', () => {
  it('matches spans by name and reports durations, deltas and status changes', () => {
    const before = layeredTrace();
    const after = layeredTrace().map((s) => {
      if (s.spanId === 's-geo') return { ...s, spanId: 'x-geo', endTimeUnixNano: at(30) };
      if (s.spanId === 's-decide') return { ...s, status: { code: 'ERROR' as const, message: 'RUNTIME_ERROR: boom' } };
      return s;
    });
    const result = compareTraces(before, after);
    const geo = result.rows.find((row) => row.key === 'hook / layer 1 / script geo')!;
    expect(geo.left!.durationMs).toBeCloseTo(19, 6);
    expect(geo.right!.durationMs).toBeCloseTo(29, 6);
    expect(geo.deltaMs).toBeCloseTo(10, 6);
    expect(geo.statusChanged).toBe(false);
    const decide = result.rows.find((row) => row.label === 'script decide')!;
    expect(decide).toMatchObject({ statusChanged: true, left: { status: 'OK' }, right: { status: 'ERROR' } });
    expect(result.statusChanges).toBe(1);
    expect(result.onlyLeft + result.onlyRight).toBe(0);
    expect(result.totalDeltaMs).toBeCloseTo(0, 6);
  });

  it('lists spans found in one trace only, in place', () => {
    const before = layeredTrace().filter((s) => s.spanId !== 'f-1');
    const after = [
      ...layeredTrace().filter((s) => s.spanId !== 's-geo'),
      span('s-new', 'l2', 'script', 'script new-check', 62, 70, { attributes: { 'script.id': 'new-check' } }),
    ];
    const result = compareTraces(before, after);
    expect(result.rows.map((row) => [row.label, row.left ? 'L' : '-', row.right ? 'R' : '-'])).toEqual([
      ['hook', 'L', 'R'],
      ['layer 1', 'L', 'R'],
      ['script geo', 'L', '-'],
      ['script slow-check', 'L', 'R'],
      ['fetch GET https://risk.example/score', '-', 'R'],
      ['layer 2', 'L', 'R'],
      ['script decide', 'L', 'R'],
      ['script new-check', '-', 'R'],
    ]);
    expect(result.onlyLeft).toBe(1);
    expect(result.onlyRight).toBe(2);
    expect(result.rows.find((row) => row.label === 'script new-check')!.depth).toBe(2);
  });

  it('compares empty traces without failing', () => {
    expect(compareTraces([], []).rows).toEqual([]);
  });
});
