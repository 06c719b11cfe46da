import { isHookId, type HookId } from '../../shared/hooks';
import type { TailFilter } from './tail-filter';
import type { TailOutcome } from './tail-types';

// The query string of GET /v1/tail (docs/live-tail.md, "Filters"): `hook` and `outcome` repeated
// or comma-separated, `version`, `text`, `maxRate`. Everything is checked; one problem per
// parameter, and an unknown parameter is one too (a misspelt filter must not silently follow all).

export const tailOutcomes: readonly TailOutcome[] = ['allow', 'deny', 'data', 'accepted', 'error'];
export const maxTextLength = 200;

export type TailQuery =
  { ok: true; filter: TailFilter; maxRate?: number } | { ok: false; problems: { path: string; message: string }[] };

const known = new Set(['hook', 'outcome', 'version', 'text', 'maxRate']);

export function parseTailQuery(query: URLSearchParams, maxRateCeiling: number): TailQuery {
  const problems: { path: string; message: string }[] = [];
  for (const name of new Set(query.keys())) {
    if (!known.has(name)) problems.push({ path: name.slice(0, 100), message: 'unknown parameter' });
  }
  const filter: TailFilter = {};

  const hooks = listOf(query, 'hook');
  const unknownHook = hooks.find((hook) => !isHookId(hook));
  if (unknownHook !== undefined) {
    problems.push({ path: 'hook', message: `not a hook id: ${JSON.stringify(unknownHook.slice(0, 100))}` });
  } else if (hooks.length > 0) filter.hooks = hooks as HookId[];

  const outcomes = listOf(query, 'outcome');
  const unknownOutcome = outcomes.find((outcome) => !(tailOutcomes as readonly string[]).includes(outcome));
  if (unknownOutcome !== undefined) {
    problems.push({ path: 'outcome', message: `must be one of ${tailOutcomes.join(', ')}` });
  } else if (outcomes.length > 0) filter.outcomes = outcomes as TailOutcome[];

  const version = single(query, 'version', problems);
  if (version !== undefined) {
    const number = positiveInteger(version);
    if (number === undefined) problems.push({ path: 'version', message: 'must be a whole number from 1' });
    else filter.version = number;
  }

  const text = single(query, 'text', problems);
  if (text !== undefined) {
    if (text.length > maxTextLength) {
      problems.push({ path: 'text', message: `must be at most ${maxTextLength} characters` });
    } else if (text !== '') filter.text = text;
  }

  let maxRate: number | undefined;
  const rate = single(query, 'maxRate', problems);
  if (rate !== undefined) {
    maxRate = positiveInteger(rate);
    if (maxRate === undefined || maxRate > maxRateCeiling) {
      problems.push({ path: 'maxRate', message: `must be a whole number from 1 to ${maxRateCeiling}` });
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return maxRate === undefined ? { ok: true, filter } : { ok: true, filter, maxRate };
}

/** Every value of a repeatable parameter, commas splitting too, without repeats. */
function listOf(query: URLSearchParams, name: string): string[] {
  const values = query.getAll(name).flatMap((value) => value.split(','));
  return [...new Set(values.map((value) => value.trim()))];
}

function single(
  query: URLSearchParams,
  name: string,
  problems: { path: string; message: string }[],
): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) problems.push({ path: name, message: 'give it once' });
  return values[0];
}

function positiveInteger(text: string): number | undefined {
  if (!/^\d{1,9}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 ? value : undefined;
}
