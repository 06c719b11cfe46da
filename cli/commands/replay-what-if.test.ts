import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../core/store';
import { denyMailinator, signupEvents } from '../../core/replay/testing/replay-fixtures';
import { useCliSandbox } from './workspace-cli-harness';

// `replay --fault` and `--what-if` as a user runs them: the real CLI in a child process, a bundle
// folder and its events on disk, and a real workspace for the stored, labelled run.

const sandbox = useCliSandbox('cli-replay-what-if-');

/** A bundle whose one blocking script denies mailinator addresses, and 6 events recorded as it decides. */
function bundleAndEvents(): { bundle: string; events: string } {
  const bundle = sandbox.path('bundle');
  mkdirSync(path.join(bundle, 'scripts'), { recursive: true });
  writeFileSync(path.join(bundle, 'scripts', 'block.lua'), denyMailinator());
  writeFileSync(
    path.join(bundle, 'pipeline.json'),
    JSON.stringify({
      format: 'pipeline-studio/bundle@1',
      name: 'what-if',
      scripts: { block: { file: 'scripts/block.lua' } },
      hooks: { 'signup.before': { layers: [['block']] } },
    }),
  );
  const events = sandbox.path('events.ndjson');
  writeFileSync(
    events,
    signupEvents(6)
      .map((event) => JSON.stringify(event))
      .join('\n'),
  );
  return { bundle, events };
}

describe('replay --fault and --what-if', { timeout: 120_000 }, () => {
  it('--what-if prints per hook what users get normally and faulted, and the events that changed', () => {
    const { bundle, events } = bundleAndEvents();
    const result = sandbox.cli(['replay', bundle, '--events', events, '--fault', 'script=block:error', '--what-if']);
    expect(result.stderr).not.toMatch(/replay: [A-Z_]+:/);
    // The normal run agrees with every recording: exit 0, whatever the faulted run did.
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('what-if: script=block:error');
    expect(out).toMatch(/signup\.before\s+4 \/ 2 \/ 0\s+0 \/ 6 \/ 6/);
    expect(out).toContain('4 events changed decision');
    expect(out).toContain('evt-0001  signup.before  allow -> deny (RUNTIME_ERROR in block)');
    expect(out).not.toContain('evt-0000  signup.before');
    expect(out).toContain('6 events: 4 allowed, 2 denied, 0 errors, 0 enriched, 0 accepted, 0 mismatches');
  });

  it('--what-if --json: one object per hook, per changed event, and the summaries', () => {
    const { bundle, events } = bundleAndEvents();
    const result = sandbox.cli([
      'replay',
      bundle,
      '--events',
      events,
      '--fault=script=block:timeout',
      '--what-if',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toEqual({
      hook: 'signup.before',
      normal: { allow: 4, deny: 2, error: 0 },
      faulted: { allow: 0, deny: 6, error: 6 },
    });
    const changed = lines.filter((line) => line.event !== undefined);
    expect(changed).toHaveLength(4);
    expect(changed[0]).toMatchObject({
      normal: { decision: 'allow' },
      faulted: { decision: 'deny', detail: 'TIMEOUT in block' },
    });
    expect(lines.at(-2)).toEqual({ whatIf: 'script=block:timeout', changed: 4 });
    expect(lines.at(-1)).toMatchObject({ summary: { events: 6, allowed: 4, denied: 2 } });
  });

  it('--fault alone replays with the fault: its errors fail the run (exit 1)', () => {
    const { bundle, events } = bundleAndEvents();
    const result = sandbox.cli(['replay', bundle, '--events', events, '--fault', 'script=block:error']);
    expect(result.code).toBe(1);
    // A failed event is counted once, as an error (not also as a deny).
    expect(result.stdout).toContain('6 events: 0 allowed, 0 denied, 6 errors');
  });

  it.each([
    [['--fault', 'fetch=teapot'], /--fault "fetch=teapot": expected fetch=error/],
    [['--fault', 'script=block'], /expected script=ID:timeout/],
    [['--what-if'], /--what-if needs at least one --fault/],
  ])('bad usage %j exits 2 with what is wrong', (args, message) => {
    const { bundle, events } = bundleAndEvents();
    const result = sandbox.cli(['replay', bundle, '--events', events, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('--workspace --what-if stores both runs, the faulted one labelled with its faults', () => {
    const { bundle, events } = bundleAndEvents();
    const data = sandbox.path('data');
    expect(sandbox.cli(['import', bundle, '--data', data]).code).toBe(0);
    expect(sandbox.cli(['events', 'import', events, '--data', data]).code).toBe(0);
    const result = sandbox.cli([
      'replay',
      '--workspace',
      '--data',
      data,
      '--fault',
      'fetch=500@api.example.com',
      '--fault',
      'script=block:error',
      '--what-if',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('4 events changed decision');
    const workspace = Workspace.open({ dir: data });
    try {
      const labels = workspace.replays.list().map((run) => run.label);
      expect(labels).toEqual(['cli · what-if: fetch=500@api.example.com, script=block:error', 'cli']);
    } finally {
      workspace.close();
    }
  });
});
