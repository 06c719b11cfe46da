import type { JsonValue, LogEntry, LogLevel } from '../../types';

// A script's log: print and helpers.log. Count and bytes are capped (ScriptLimits.maxLogEntries,
// maxLogBytes) so that a print loop cannot flood the host; what is dropped is counted and reported.
// A message is decoded only when (part of) it is kept: a flood costs a length check per call.

const levelNames: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export class LogCollector {
  readonly entries: LogEntry[] = [];
  private bytes = 0;
  private droppedEntries = 0;
  private droppedBytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
    private readonly startedAt: number,
    private readonly now: () => number,
  ) {}

  /** `read(maxBytes)` decodes at most that many bytes of the message. */
  add(level: number, byteLength: number, read: (maxBytes: number) => string): void {
    const room = this.maxBytes - this.bytes;
    if (this.entries.length >= this.maxEntries || room <= 0) {
      this.droppedEntries += 1;
      this.droppedBytes += byteLength;
      return;
    }
    const kept = Math.min(byteLength, room);
    let message = read(kept);
    if (kept < byteLength) {
      message += ' [truncated]';
      this.droppedBytes += byteLength - kept;
    }
    this.bytes += kept;
    this.entries.push({ level: levelNames[level] ?? 'info', message, t: Math.max(0, this.now() - this.startedAt) });
  }

  get dropped(): { entries: number; bytes: number } | undefined {
    if (this.droppedEntries === 0 && this.droppedBytes === 0) return undefined;
    return { entries: this.droppedEntries, bytes: this.droppedBytes };
  }
}

/** Replaces every occurrence of each secret value; longest first so that overlaps are covered. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0 && out.includes(secret)) out = out.split(secret).join('[secret]');
  }
  return out;
}

/**
 * A copy of a script's return value with the secret values masked as in its logs: in every string
 * and key, and a number that is a value read as a number (`tonumber(helpers.secret(…))`). The value
 * reaches the trace (script.result), the decision's reason and data, and replay lines, none of
 * which may hold a secret; a script that must pass a secret on has to transform it (hash, sign).
 */
export function redactSecretsInJson(value: JsonValue, secrets: readonly string[]): JsonValue {
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (typeof value === 'number') return secrets.includes(String(value)) ? '[secret]' : value;
  if (Array.isArray(value)) return value.map((item) => redactSecretsInJson(item, secrets));
  if (value !== null && typeof value === 'object') {
    // fromEntries defines keys as own data properties, so a "__proto__" key stays a plain key.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [redactSecrets(key, secrets), redactSecretsInJson(item, secrets)]),
    );
  }
  return value;
}

export function sortSecrets(values: Iterable<string>): string[] {
  return [...values].filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
}
