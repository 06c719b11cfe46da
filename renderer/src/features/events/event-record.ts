import type { ChannelOutput } from '@shared/contract';

export type StoredEvent = ChannelOutput<'events.get'>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `evt_` and 12 random base-36 characters: unique enough for a library, short enough to read. */
export function newEventId(
  randomBytes: (count: number) => ArrayLike<number> = (count) => crypto.getRandomValues(new Uint8Array(count)),
): string {
  const bytes = Array.from(randomBytes(12));
  return `evt_${bytes.map((byte) => (byte % 36).toString(36)).join('')}`;
}

/** The recorded event of a library entry (docs/formats.md), as the editor shows it and events.save takes it. */
export function recordOf(stored: StoredEvent): Record<string, unknown> {
  return {
    id: stored.id,
    hook: stored.hook,
    ...(stored.at !== undefined ? { at: stored.at } : {}),
    ...(stored.source !== undefined ? { source: stored.source } : {}),
    event: stored.event,
    ...(stored.outcome !== undefined ? { outcome: stored.outcome } : {}),
  };
}

/** A new recorded event of a hook, from its sample payload; recorded now, by hand. */
export function newRecord(
  hook: string,
  sample: Record<string, unknown>,
  id: string,
  at: Date,
): Record<string, unknown> {
  return { id, hook, at: at.toISOString(), source: 'studio', event: sample };
}

export type ParsedRecord = { ok: true; record: Record<string, unknown> } | { ok: false; message: string };

/** The editor's text as a recorded event, or what is wrong with it before the core is asked. */
export function parseRecord(text: string): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isObject(value)) return { ok: false, message: 'A recorded event is a JSON object: {"id", "hook", "event", …}.' };
  return { ok: true, record: value };
}

export type OutcomeKind = 'allow' | 'deny' | 'data' | 'error' | 'none';

/** The recorded outcome in a word or two, for a list column: allow, deny "reason", data, error CODE. */
export function outcomeSummary(outcome: unknown): { kind: OutcomeKind; text: string } {
  if (!isObject(outcome)) return { kind: 'none', text: '—' };
  if (isObject(outcome.error)) {
    const code = typeof outcome.error.code === 'string' ? ` ${outcome.error.code}` : '';
    return { kind: 'error', text: `error${code}` };
  }
  if (outcome.allow === true) return { kind: 'allow', text: 'allow' };
  if (outcome.allow === false) {
    const reason = typeof outcome.reason === 'string' ? ` "${outcome.reason}"` : '';
    return { kind: 'deny', text: `deny${reason}` };
  }
  if ('data' in outcome || 'results' in outcome) return { kind: 'data', text: 'data' };
  return { kind: 'none', text: '—' };
}

/** Tags as typed (`a, b`): trimmed, without empties or repeats, at most 20 of 100 characters. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const tag of tags.flatMap((t) => t.split(','))) {
    const trimmed = tag.trim().slice(0, 100);
    if (trimmed) seen.add(trimmed);
  }
  return [...seen].slice(0, 20);
}
