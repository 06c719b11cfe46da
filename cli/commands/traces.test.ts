import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../core/store';
import { makeTrace } from '../../core/store/testing/trace-fixtures';
import type { Trace } from '../../shared/engine';
import { json, useCliSandbox } from './workspace-cli-harness';

// `traces list` and `traces export` through the real CLI, over traces stored in the workspace the
// way replay stores them.
const sandbox = useCliSandbox('cli-traces-');
const { cli } = sandbox;

interface ListedTrace {
  traceId: string;
  hook: string;
  status: string;
  startedAt: string;
  startTimeUnixNano: string;
  durationMs: number;
  spanCount: number;
  statusMessage?: string;
}
interface OtlpDocument {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { scope: { name: string }; spans: { traceId: string; name: string; startTimeUnixNano: string }[] }[];
  }[];
}

const day = Date.parse('2026-03-01T00:00:00.000Z');
let data: string;
let seeded: Trace[];

function seed(dir: string, traces: Trace[]): void {
  const workspace = Workspace.open({ dir });
  try {
    workspace.traces.writeMany(traces);
  } finally {
    workspace.close();
  }
}

beforeAll(() => {
  data = sandbox.path('data');
  seeded = [
    makeTrace({ hook: 'signup.before', status: 'ok', startMs: day }),
    makeTrace({ hook: 'signup.before', status: 'denied', startMs: day + 60_000 }),
    makeTrace({ hook: 'token.enrich', status: 'error', startMs: day + 120_000 }),
    makeTrace({ hook: 'token.enrich', status: 'ok', startMs: day + 86_400_000 }),
  ];
  seed(data, seeded);
});

const spansOf = (document: OtlpDocument) => document.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

describe('traces list', () => {
  it('prints a table, latest first', () => {
    const result = cli(['traces', 'list', '--data', data]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STARTED\s+HOOK\s+STATUS\s+DURATION\s+SPANS\s+TRACE ID\s+MESSAGE$/);
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain('2026-03-02T00:00:00.000Z');
    expect(lines[1]).toContain(seeded[3]!.traceId);
    expect(lines[2]).toMatch(/token\.enrich\s+error\s+4\.25 ms\s+4\s+[0-9a-f]{32}\s+script "s1": RUNTIME_ERROR/);
    expect(lines[4]).toContain(seeded[0]!.traceId);
    expect(result.stderr).toContain('4 traces');
  });

  it('prints JSON with --json and filters by hook, status, time and count', () => {
    const all = json<ListedTrace[]>(cli(['traces', 'list', '--json', '--data', data]));
    expect(all.map((trace) => trace.traceId)).toEqual([...seeded].reverse().map((trace) => trace.traceId));
    expect(all[0]).toMatchObject({ hook: 'token.enrich', status: 'ok', startedAt: '2026-03-02T00:00:00.000Z' });

    const list = (...args: string[]) =>
      json<ListedTrace[]>(cli(['traces', 'list', '--json', '--data', data, ...args])).map((trace) => trace.traceId);
    expect(list('--hook', 'signup.before')).toEqual([seeded[1]!.traceId, seeded[0]!.traceId]);
    expect(list('--status', 'denied')).toEqual([seeded[1]!.traceId]);
    expect(list('--status', 'error')).toEqual([seeded[2]!.traceId]);
    expect(list('--since', '2026-03-01T00:01:00Z')).toEqual([
      seeded[3]!.traceId,
      seeded[2]!.traceId,
      seeded[1]!.traceId,
    ]);
    expect(list('--since', '2026-03-02')).toEqual([seeded[3]!.traceId]);
    expect(list('--limit', '2')).toEqual([seeded[3]!.traceId, seeded[2]!.traceId]);
    expect(list('--hook', 'signup.after')).toEqual([]);
  });

  it('says so on stderr when nothing matches, with nothing on stdout', () => {
    const result = cli(['traces', 'list', '--since', '2030-01-01', '--data', data]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no traces match');
  });

  it('refuses bad filters and a missing workspace with exit 2 and one line', () => {
    for (const args of [
      ['--status', 'failed'],
      ['--since', 'yesterday'],
      ['--hook', 'signup.sideways'],
      ['--limit', '0'],
      ['--limit', '5000'],
      ['--bogus'],
    ]) {
      const result = cli(['traces', 'list', '--data', data, ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    const nowhere = sandbox.path('data');
    const missing = cli(['traces', 'list', '--data', nowhere]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('there is no workspace');
    expect(existsSync(nowhere)).toBe(false);
    expect(cli(['traces', '--data', data]).code).toBe(2);
    expect(cli(['traces', 'show', '--data', data]).code).toBe(2);
  });
});

describe('traces export', () => {
  it('writes OTLP/JSON with every span of the matching traces', () => {
    const out = path.join(sandbox.base, 'traces.otlp.json');
    const result = cli(['traces', 'export', out, '--format', 'otlp', '--hook', 'signup.before', '--data', data]);
    expect(result.code, result.stderr).toBe(0);
    const wanted = seeded.slice(0, 2);
    const spanCount = wanted.reduce((sum, trace) => sum + trace.spans.length, 0);
    expect(json(result)).toEqual({ file: out, format: 'otlp', traces: 2, spans: spanCount });

    const document = JSON.parse(readFileSync(out, 'utf8')) as OtlpDocument;
    const resource = document.resourceSpans[0]!.resource.attributes;
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'pipeline-studio' } });
    const spans = spansOf(document);
    expect(spans).toHaveLength(spanCount);
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set(wanted.map((trace) => trace.traceId)));
    expect(spans.every((span) => /^\d+$/.test(span.startTimeUnixNano))).toBe(true);
  });

  it('writes to stdout with "-" (the summary goes to stderr) and honours --limit and --status', () => {
    const result = cli(['traces', 'export', '-', '--status', 'ok', '--limit', '1', '--data', data]);
    expect(result.code, result.stderr).toBe(0);
    const spans = spansOf(JSON.parse(result.stdout) as OtlpDocument);
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([seeded[3]!.traceId]));
    expect(result.stderr).toContain('"traces":1');
  });

  it('pages through more than a store page, not losing traces that started in the same nanosecond', () => {
    const busy = sandbox.path('data');
    // 900 distinct later starts, then 300 in one nanosecond across the first page's end.
    const sameInstant = Array.from({ length: 1200 }, (_, i) => makeTrace({ startMs: day + (i < 300 ? 0 : i) }));
    seed(busy, sameInstant);
    const out = path.join(sandbox.base, 'busy.json');
    const result = cli(['traces', 'export', out, '--limit', '5000', '--data', busy]);
    expect(result.code, result.stderr).toBe(0);
    expect(json(result)).toMatchObject({ traces: 1200 });
    const ids = new Set(spansOf(JSON.parse(readFileSync(out, 'utf8')) as OtlpDocument).map((span) => span.traceId));
    expect(ids).toEqual(new Set(sameInstant.map((trace) => trace.traceId)));
  });

  it('refuses another format, a missing file argument and an unwritable path with exit 2', () => {
    expect(cli(['traces', 'export', 'x.json', '--format', 'jaeger', '--data', data]).code).toBe(2);
    expect(cli(['traces', 'export', '--data', data]).code).toBe(2);
    const unwritable = cli(['traces', 'export', path.join(sandbox.base, 'no', 'such', 'dir.json'), '--data', data]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain('cannot write');
    expect(unwritable.stdout).toBe('');
  });
});
