import type { JsonValue, Trace } from '../../shared/engine';

// Secret values must not leave the runtime. The engine already masks the values a script read in
// its logs, errors and fetch records; what it leaves to the script is its return value, which
// reaches the hook's answer, the trace (script.result) and the captured outcome. The runtime masks
// the values of the active bundle's declared secrets in all three, as the engine does: `[secret]`.
// Both the raw value and its JSON-escaped form are replaced (script.result holds JSON text), and a
// truncated script.result that ends with the start of a value loses that tail.

export const maskedSecret = '[secret]';
/** Twice the engine's bound on values (docs/engine.md): anything deeper is not an event. */
export const maxMaskDepth = 64;
export const truncatedDeep = `[truncated: nested deeper than ${maxMaskDepth} levels]`;
/** Shorter cut-off starts of a value say nothing useful about it. */
const minPartial = 4;

export class SecretMasker {
  private readonly needles: string[];
  private readonly numbers: Set<string>;

  /** The values as given, so that the capture thread can build the same masker (capture-prep-thread.ts). */
  readonly values: readonly string[];

  constructor(values: Iterable<string>) {
    this.values = [...values];
    const needles = new Set<string>();
    for (const value of this.values) {
      if (value.length === 0) continue;
      needles.add(value);
      needles.add(JSON.stringify(value).slice(1, -1));
    }
    // Longest first, so that a value containing another is replaced whole.
    this.needles = [...needles].sort((a, b) => b.length - a.length);
    this.numbers = new Set(this.needles);
  }

  get empty(): boolean {
    return this.needles.length === 0;
  }

  text(value: string): string {
    let out = value;
    for (const needle of this.needles) if (out.includes(needle)) out = out.split(needle).join(maskedSecret);
    return out;
  }

  /** A masked copy of plain data (the same object when there is nothing to mask). */
  json<T extends JsonValue | undefined>(value: T): T {
    if (this.empty || value === undefined) return value;
    return this.walk(value) as T;
  }

  /** Masks a trace in place: every string attribute, event attribute and status message. */
  trace(trace: Trace, truncatedAt?: number): Trace {
    if (this.empty) return trace;
    for (const span of trace.spans) {
      span.name = this.text(span.name);
      if (span.status.message !== undefined) span.status.message = this.text(span.status.message);
      for (const [key, value] of Object.entries(span.attributes)) {
        if (typeof value !== 'string') continue;
        let masked = this.text(value);
        if (truncatedAt !== undefined && value.length >= truncatedAt) masked = this.dropPartialTail(masked);
        span.attributes[key] = masked;
      }
      for (const event of span.events) {
        for (const [key, value] of Object.entries(event.attributes)) {
          if (typeof value === 'string') event.attributes[key] = this.text(value);
        }
      }
    }
    return trace;
  }

  private dropPartialTail(text: string): string {
    for (const needle of this.needles) {
      for (let length = Math.min(needle.length - 1, text.length); length >= minPartial; length--) {
        if (text.endsWith(needle.slice(0, length))) return `${text.slice(0, text.length - length)}${maskedSecret}`;
      }
    }
    return text;
  }

  private walk(value: JsonValue, depth = 0): JsonValue {
    if (typeof value === 'string') return this.text(value);
    // A value read as a number (`tonumber(helpers.secret(…))`).
    if (typeof value === 'number') return this.numbers.has(String(value)) ? maskedSecret : value;
    if (value === null || typeof value !== 'object') return value;
    // The runtime refuses events deeper than the engine's bound before they get here; a deeper
    // value from elsewhere loses its subtree rather than overflowing the stack.
    if (depth >= maxMaskDepth) return truncatedDeep;
    if (Array.isArray(value)) return value.map((item) => this.walk(item, depth + 1));
    const out: Record<string, JsonValue> = {};
    for (const [key, child] of Object.entries(value)) out[this.text(key)] = this.walk(child, depth + 1);
    return out;
  }
}
