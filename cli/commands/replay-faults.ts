import type { ReplayLine } from '../../shared/engine';
import { describeFaults, hasFaults, parseFaultFlags, type Faults } from '../../shared/engine/faults';
import type { HookId } from '../../shared/hooks';
import type { ReplayProgress } from '../../core/replay/replay-progress';
import { UsageError } from '../usage-error';
import type { Progress } from '../progress';

// `replay --fault` and `--what-if` (docs/cli.md, docs/replay.md "What-if"): the faults from the
// command line, and the side-by-side of a normal and a faulted run of the same events: per hook
// what users get (allow, deny, error) in each, and the events whose decision changed. Only what
// the comparison needs is kept per event: its hook and its decision.

/** Where a replay prints: JSON or text, its progress on stderr, lines seen so far. */
export interface ReplayOutput {
  json: boolean;
  progress?: Progress;
  printed: number;
}

export interface ReplayChoices {
  hook: HookId | undefined;
  concurrency: number;
  output: ReplayOutput;
  faults: Faults | undefined;
  whatIf: boolean;
}

/**
 * Runs the events once, or with --what-if twice (normal, then faulted) into a comparison that is
 * printed before the normal run's summary. `once` runs one pass with its faults and line handler.
 */
export async function replayPasses(
  choices: ReplayChoices,
  print: (line: ReplayLine) => void,
  once: (faults: Faults | undefined, onLine: (line: ReplayLine) => void, label: string) => Promise<ReplayProgress>,
): Promise<ReplayProgress> {
  const { faults, output } = choices;
  if (!choices.whatIf || !faults) return once(faults, print, 'replay');
  const comparison = new WhatIfComparison(faults);
  const counting = (collect: (line: ReplayLine) => void) => (line: ReplayLine) => {
    collect(line);
    output.printed += 1;
    output.progress?.update(output.printed);
  };
  const normal = await once(undefined, counting(comparison.collector('normal')), 'replay (normal)');
  output.progress?.finish();
  if (normal.status !== 'done') return normal;
  output.printed = 0;
  const faulted = await once(faults, counting(comparison.collector('faulted')), 'replay (what-if)');
  output.progress?.finish();
  comparison.print(output.json);
  return whatIfEnd(normal, faulted);
}

/** The --fault values as Faults; bad ones are bad usage (exit 2). */
export function faultsFromFlags(flags: readonly string[] | undefined, whatIf: boolean): Faults | undefined {
  const parsed = parseFaultFlags(flags ?? []);
  if (!parsed.ok) throw new UsageError(`replay: ${parsed.message}`);
  if (!hasFaults(parsed.faults)) {
    if (whatIf) throw new UsageError('replay: --what-if needs at least one --fault');
    return undefined;
  }
  return parsed.faults;
}

type Decision = 'allow' | 'deny' | 'ok' | 'error';
interface Seen {
  hook: string;
  decision: Decision;
  /** The error that made it, for the changed events' list. */
  detail?: string;
}
interface Counts {
  allow: number;
  deny: number;
  error: number;
}

/** What a user gets from one replayed event; a failed script under onError = allow still allows. */
function decisionOf(line: ReplayLine): Seen {
  const decision: Decision =
    line.allow === true ? 'allow' : line.allow === false ? 'deny' : line.error === undefined ? 'ok' : 'error';
  const detail = line.error
    ? `${line.error.code}${line.error.scriptId ? ` in ${line.error.scriptId}` : ''}`
    : undefined;
  return detail === undefined ? { hook: line.hook, decision } : { hook: line.hook, decision, detail };
}

export class WhatIfComparison {
  private readonly normal = new Map<string, Seen>();
  private readonly faulted = new Map<string, Seen>();
  private readonly counts = new Map<string, { normal: Counts; faulted: Counts }>();

  constructor(readonly faults: Faults) {}

  /** Collects each line of one of the two runs (onLine of its replay job). */
  collector(run: 'normal' | 'faulted'): (line: ReplayLine) => void {
    const seen = run === 'normal' ? this.normal : this.faulted;
    return (line) => {
      seen.set(line.id, decisionOf(line));
      let hook = this.counts.get(line.hook);
      if (!hook) {
        hook = { normal: { allow: 0, deny: 0, error: 0 }, faulted: { allow: 0, deny: 0, error: 0 } };
        this.counts.set(line.hook, hook);
      }
      const counts = hook[run];
      if (line.allow === true) counts.allow += 1;
      if (line.allow === false) counts.deny += 1;
      if (!line.ok) counts.error += 1;
    };
  }

  /** Events whose decision differs between the runs, in the normal run's order. */
  changed(): { id: string; hook: string; normal: Seen; faulted: Seen }[] {
    const rows = [];
    for (const [id, normal] of this.normal) {
      const faulted = this.faulted.get(id);
      if (faulted && faulted.decision !== normal.decision) rows.push({ id, hook: normal.hook, normal, faulted });
    }
    return rows;
  }

  print(json: boolean, write: (text: string) => void = (text) => process.stdout.write(text)): void {
    const hooks = [...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b));
    const changed = this.changed();
    if (json) {
      for (const [hook, counts] of hooks) write(`${JSON.stringify({ hook, ...counts })}\n`);
      for (const row of changed) {
        write(`${JSON.stringify({ event: row.id, hook: row.hook, normal: row.normal, faulted: row.faulted })}\n`);
      }
      write(`${JSON.stringify({ whatIf: describeFaults(this.faults), changed: changed.length })}\n`);
      return;
    }
    write(`what-if: ${describeFaults(this.faults)}\n`);
    write(`${'hook'.padEnd(24)}${'normal allow/deny/error'.padEnd(26)}faulted allow/deny/error\n`);
    for (const [hook, { normal, faulted }] of hooks) {
      write(`${hook.padEnd(24)}${triple(normal).padEnd(26)}${triple(faulted)}\n`);
    }
    write(`${changed.length} event${changed.length === 1 ? '' : 's'} changed decision\n`);
    for (const row of changed) {
      write(`${row.id}  ${row.hook}  ${shown(row.normal)} -> ${shown(row.faulted)}\n`);
    }
  }
}

function triple(counts: Counts): string {
  return `${counts.allow} / ${counts.deny} / ${counts.error}`;
}

function shown(seen: Seen): string {
  return seen.detail ? `${seen.decision} (${seen.detail})` : seen.decision;
}

/**
 * The exit code of a what-if, as replay's: the normal run decides whether events disagree with
 * their recordings (the faulted run's failures are what was asked for); either run failing or
 * being stopped ends it as replay would.
 */
export function whatIfEnd(normal: ReplayProgress, faulted: ReplayProgress | undefined): ReplayProgress {
  if (!faulted || normal.status !== 'done') return normal;
  if (faulted.status === 'done') return normal;
  return faulted.message === undefined
    ? { ...normal, status: faulted.status }
    : { ...normal, status: faulted.status, message: faulted.message };
}
