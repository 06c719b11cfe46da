// Reads a Server-Sent Events stream (GET /v1/tail) as it arrives, chunk by chunk: a chunk can end
// anywhere (inside a line, between a CR and its LF), so lines are put back together before they are
// read. Follows the event-stream format's rules: lines end with LF, CR or CRLF; `field: value` with
// one optional space after the colon; a line starting with `:` is a comment (the heartbeat); several
// `data:` lines join with a newline; a blank line ends the message, and a message with no data is
// not dispatched.

/**
 * @param {(message: { event: string, data: string }) => void} onMessage called once per message;
 *   `event` is `message` when the stream named none.
 * @returns {{ push(chunk: string): void }}
 */
export function createSseReader(onMessage) {
  let pending = '';
  let event = '';
  /** @type {string[]} */
  let data = [];

  /** @param {string} line */
  function readLine(line) {
    if (line === '') {
      if (data.length > 0) onMessage({ event: event || 'message', data: data.join('\n') });
      event = '';
      data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }

  return {
    push(chunk) {
      pending += chunk;
      for (;;) {
        const end = pending.search(/[\r\n]/);
        if (end < 0) return;
        // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
        if (pending[end] === '\r' && end === pending.length - 1) return;
        readLine(pending.slice(0, end));
        pending = pending.slice(pending[end] === '\r' && pending[end + 1] === '\n' ? end + 2 : end + 1);
      }
    },
  };
}
