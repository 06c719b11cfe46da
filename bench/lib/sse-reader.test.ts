import { describe, expect, it } from 'vitest';
import { createSseReader } from './sse-reader.mjs';

// The rollout bench counts the tail's `event: invocation` frames with this reader, so a frame cut
// between two chunks anywhere must still be counted once, and comments must never be.

const stream =
  'retry: 3000\n\n' +
  'event: sampling\ndata: {"rate":1,"dropped":0}\n\n' +
  ': heartbeat\n\n' +
  'event: invocation\ndata: {"hook":"signup.before","outcome":"allow"}\n\n' +
  'event: invocation\r\ndata:{"hook":"signup.before","outcome":"deny"}\r\n\r\n' +
  'event: sampling\rdata: {"rate":0.5,"dropped":3}\r\r' +
  ': heartbeat\n\n';

const expected = [
  { event: 'sampling', data: '{"rate":1,"dropped":0}' },
  { event: 'invocation', data: '{"hook":"signup.before","outcome":"allow"}' },
  { event: 'invocation', data: '{"hook":"signup.before","outcome":"deny"}' },
  { event: 'sampling', data: '{"rate":0.5,"dropped":3}' },
];

function read(chunks: string[]) {
  const messages: { event: string; data: string }[] = [];
  const reader = createSseReader((message) => messages.push(message));
  for (const chunk of chunks) reader.push(chunk);
  return messages;
}

describe('createSseReader', () => {
  it('reads the whole stream in one chunk', () => {
    expect(read([stream])).toEqual(expected);
  });

  it('reads the same messages wherever the stream is cut in two', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(read([stream.slice(0, cut), stream.slice(cut)]), `cut at ${cut}`).toEqual(expected);
    }
  });

  it('reads the same messages one character at a time', () => {
    expect(read([...stream])).toEqual(expected);
  });

  it('joins data lines, keeps a message without a name as `message`, and drops one without data', () => {
    expect(read(['data: a\ndata: b\n\nevent: empty\n\nevent: x\ndata\n\n'])).toEqual([
      { event: 'message', data: 'a\nb' },
      { event: 'x', data: '' },
    ]);
  });

  it('dispatches nothing before the blank line that ends a message', () => {
    expect(read(['event: invocation\ndata: {}\n'])).toEqual([]);
    // A final CR may be half of a CRLF: the line waits for what follows.
    expect(read(['event: invocation\ndata: {}\n\r'])).toEqual([]);
    expect(read(['event: invocation\ndata: {}\n\r', 'event: next'])).toEqual([{ event: 'invocation', data: '{}' }]);
  });
});
