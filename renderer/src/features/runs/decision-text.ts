import type { ChannelOutput } from '@shared/contract';

export type ReplayLine = ChannelOutput<'runs.results'>['results'][number]['line'];
export type DecisionKind = 'allow' | 'deny' | 'data' | 'error' | 'ok';

/** A replayed event's decision in a few words: allow, deny "reason" (CODE), data, error CODE. */
export function decisionOf(line: ReplayLine): { kind: DecisionKind; text: string } {
  if (line.error || !line.ok) return { kind: 'error', text: `error ${line.error?.code ?? line.code ?? ''}`.trim() };
  if (line.allow === true) return { kind: 'allow', text: 'allow' };
  if (line.allow === false) {
    const reason = line.reason ? ` "${line.reason}"` : '';
    const code = line.code ? ` (${line.code})` : '';
    return { kind: 'deny', text: `deny${reason}${code}` };
  }
  if (line.data || line.results) return { kind: 'data', text: 'data' };
  // Hooks that only observe (after hooks) decide nothing: they ran without error.
  return { kind: 'ok', text: 'ok' };
}

/** `open risk-check at line 12`: where an error happened, when the engine knows. */
export function errorLocation(line: ReplayLine): { scriptId: string; line: number } | null {
  const error = line.error;
  if (!error?.scriptId || !error.line) return null;
  return { scriptId: error.scriptId, line: error.line };
}
