// What the plugin copies from end users (a sign-up's name, the user agent, the host's extra user
// fields, headers) is capped before it reaches the runtime: one request must not be able to send
// the runtime megabytes of text or a structure deep enough to cost every walk over it. The copy is
// iterative, so no input can overflow the stack here either. The caps are listed in
// docs/better-auth.md (Decisions and errors).

export const endUserCaps = {
  /** Characters of any one string; longer ones keep their start and end with `…`. */
  stringChars: 2048,
  /** Characters of a user agent (real ones are a few hundred). */
  userAgentChars: 512,
  /** Levels of nesting; deeper values are left out. */
  depth: 8,
  /** Keys of an object and items of an array; the rest are left out. */
  entries: 100,
} as const;

const ellipsis = '…';
const prototypeKeys = new Set(['__proto__', 'constructor', 'prototype']);

export function capText(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars - ellipsis.length)}${ellipsis}`;
}

type Slot = { set(value: unknown): void };

/** A capped copy of a hook event: plain data only, within endUserCaps. */
export function capEvent(event: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const work: Array<{ source: unknown; key: string; depth: number; slot: Slot }> = [];
  const enqueueChildren = (source: object, target: Record<string, unknown> | unknown[], depth: number) => {
    const entries = Array.isArray(source)
      ? source.map((value, i) => [String(i), value] as const)
      : Object.entries(source as Record<string, unknown>);
    for (const [key, value] of entries.slice(0, endUserCaps.entries)) {
      // Keys that would reach a prototype on assignment are not data (the engine drops them too).
      if (prototypeKeys.has(key)) continue;
      const slot: Slot = Array.isArray(target)
        ? { set: (v) => void target.push(v) }
        : { set: (v) => void (target[key] = v) };
      work.push({ source: value, key, depth, slot });
    }
  };
  enqueueChildren(event, root, 1);
  // Breadth-first, in order, so arrays keep the order of their items.
  for (let i = 0; i < work.length; i++) {
    const { source, key, depth, slot } = work[i] as (typeof work)[number];
    if (typeof source === 'string') {
      slot.set(capText(source, key === 'userAgent' ? endUserCaps.userAgentChars : endUserCaps.stringChars));
    } else if (typeof source === 'number') {
      // -0 has no JSON form: it would come back as 0, so it is 0 from here on.
      if (Number.isFinite(source)) slot.set(source === 0 ? 0 : source);
    } else if (typeof source === 'boolean' || source === null) {
      slot.set(source);
    } else if (typeof source === 'object' && depth < endUserCaps.depth) {
      const target: Record<string, unknown> | unknown[] = Array.isArray(source) ? [] : {};
      slot.set(target);
      enqueueChildren(source, target, depth + 1);
    }
  }
  return root;
}
