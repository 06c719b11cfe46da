import { maxValueBytes, maxValueDepth } from './limits';

// Event data comes from end users (a sign-up's name, a user agent, headers), so every walk over it
// must be bounded before it starts: a value nested 20,000 levels deep overflows any recursive walk
// (masking, redaction, validation, capture), and a huge one ties up the thread that answers
// requests. This check is iterative, stops at the first bound it crosses, and costs at most
// `maxNodes` steps whatever it is given. The engine refuses the same values at the sandbox
// boundary (docs/engine.md), so a value that passes here is one a script could have received.

export interface ValueShapeBounds {
  maxDepth: number;
  /** The value's size as compact JSON text, estimated with strings and keys in UTF-16 units. */
  maxBytes: number;
  /** Strings, numbers, booleans, nulls, arrays and objects counted one each. */
  maxNodes: number;
}

export const eventBounds: ValueShapeBounds = {
  maxDepth: maxValueDepth,
  maxBytes: maxValueBytes,
  maxNodes: 100_000,
};

export type ValueShape =
  | { ok: true; depth: number; bytes: number; nodes: number }
  | { ok: false; bound: 'depth' | 'bytes' | 'nodes' | 'type'; message: string };

/** Whether `value` is plain JSON data within `bounds`; never recurses, never throws. */
export function checkValueShape(value: unknown, bounds: ValueShapeBounds = eventBounds): ValueShape {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let bytes = 0;
  let nodes = 0;
  let deepest = 0;
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    nodes += 1;
    if (nodes > bounds.maxNodes) {
      return { ok: false, bound: 'nodes', message: `it has more than ${bounds.maxNodes} values` };
    }
    if (depth > deepest) deepest = depth;
    switch (typeof current) {
      case 'string':
        bytes += current.length + 2;
        break;
      case 'number':
        if (!Number.isFinite(current))
          return { ok: false, bound: 'type', message: 'it holds a number that is not finite' };
        bytes += String(current).length;
        break;
      case 'boolean':
        bytes += 5;
        break;
      case 'object': {
        if (current === null) {
          bytes += 4;
          break;
        }
        if (depth >= bounds.maxDepth) {
          return { ok: false, bound: 'depth', message: `it is nested deeper than ${bounds.maxDepth} levels` };
        }
        bytes += 2;
        if (Array.isArray(current)) {
          for (let i = current.length - 1; i >= 0; i--) {
            bytes += 1;
            stack.push({ value: current[i], depth: depth + 1 });
            // A huge array is refused before it is walked item by item.
            if (stack.length > bounds.maxNodes) {
              return { ok: false, bound: 'nodes', message: `it has more than ${bounds.maxNodes} values` };
            }
          }
          break;
        }
        for (const key of Object.keys(current)) {
          bytes += key.length + 4;
          stack.push({ value: (current as Record<string, unknown>)[key], depth: depth + 1 });
          if (stack.length > bounds.maxNodes) {
            return { ok: false, bound: 'nodes', message: `it has more than ${bounds.maxNodes} values` };
          }
        }
        break;
      }
      default:
        return { ok: false, bound: 'type', message: `it holds a ${typeof current}, which is not JSON data` };
    }
    if (bytes > bounds.maxBytes) {
      return { ok: false, bound: 'bytes', message: `it is larger than ${Math.round(bounds.maxBytes / 1024)} KB` };
    }
  }
  return { ok: true, depth: deepest, bytes, nodes };
}
