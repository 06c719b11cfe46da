import type { HookId } from '../../shared/hooks';
import type { FinishedInvocation, TailOutcome } from './tail-types';

// Which invocations a follower of the live tail asked for (docs/live-tail.md, "Filters"). The
// text filter is a plain case-insensitive substring test on a few short fields: nothing a user
// sends becomes a regular expression, so a filter costs time linear in what it reads.

export interface TailFilter {
  hooks?: readonly HookId[];
  outcomes?: readonly TailOutcome[];
  version?: number;
  /** Case-insensitive text looked for in the hook, reason, error code, script and trace id. */
  text?: string;
}

/** A filter made ready to be checked against every published invocation. */
export interface CompiledFilter {
  matches(invocation: FinishedInvocation, searchable: () => readonly string[]): boolean;
}

export function compileFilter(filter: TailFilter): CompiledFilter {
  const hooks = filter.hooks && filter.hooks.length > 0 ? new Set<string>(filter.hooks) : undefined;
  const outcomes = filter.outcomes && filter.outcomes.length > 0 ? new Set<string>(filter.outcomes) : undefined;
  const version = filter.version;
  const text = filter.text ? filter.text.toLowerCase() : undefined;
  return {
    matches(invocation, searchable) {
      if (hooks && !hooks.has(invocation.hook)) return false;
      if (outcomes && !outcomes.has(invocation.outcome)) return false;
      if (version !== undefined && invocation.version !== version) return false;
      if (text !== undefined && !searchable().some((field) => field.includes(text))) return false;
      return true;
    },
  };
}

/**
 * The fields the text filter reads, lower-cased, each on its own (a match never spans two fields).
 * Computed at most once per invocation, however many followers look.
 */
export function searchableFields(invocation: FinishedInvocation): () => readonly string[] {
  let fields: string[] | undefined;
  return () => {
    if (!fields) {
      fields = [invocation.hook, invocation.traceId];
      if (invocation.reason !== undefined) fields.push(invocation.reason);
      if (invocation.error) {
        fields.push(invocation.error.code);
        if (invocation.error.script !== undefined) fields.push(invocation.error.script);
      }
      fields = fields.map((field) => field.toLowerCase());
    }
    return fields;
  };
}
