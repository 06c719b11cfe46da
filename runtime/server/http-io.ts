import type { IncomingMessage, ServerResponse } from 'node:http';

// Reading and writing HTTP bodies for the runtime's API: JSON only, with a size cap per route,
// and one error shape, `{ "error": { "code", "message", "problems"?, … } }`.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const commonHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...commonHeaders,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: { code: error.code, message: error.message, ...error.extra } }, error.headers);
}

/** The body as JSON: 415 unless it says JSON, 413 past `maxBytes`, 400 when it does not parse. */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'the body must be JSON (Content-Type: application/json)');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks = await new Promise<Buffer[]>((resolve, reject) => {
    const received: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop reading (a chunked body may be endless) without destroying the socket, so that the
        // 413 still reaches the client; `connection: close` ends the connection after it.
        req.off('data', onData);
        req.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      received.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(received));
    req.once('error', reject);
  });
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'BAD_JSON', `the body is not valid JSON: ${error instanceof Error ? error.message : ''}`);
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    413,
    'PAYLOAD_TOO_LARGE',
    `the body is larger than ${maxBytes} bytes`,
    {},
    // The rest of the body is not read: the connection cannot be reused.
    { connection: 'close' },
  );
}

/** Entity tags of an If-Match / If-None-Match header: `*`, or the strong tags listed. */
export function parseEntityTags(header: string | undefined): '*' | string[] | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (text === '*') return '*';
  const tags: string[] = [];
  for (const match of text.matchAll(/(W\/)?"([^"]*)"/g)) {
    // If-Match uses the strong comparison: a weak tag never matches.
    if (!match[1]) tags.push(match[2] ?? '');
  }
  return tags;
}

/** How the server ends each response a route left open (an event stream), when it closes. */
const heldOpen = new WeakMap<ServerResponse, () => void>();

/** Marks a response that stays open after its handler returns; `end` finishes it (a last message, then end). */
export function holdOpen(res: ServerResponse, end: () => void): void {
  heldOpen.set(res, end);
}

/** Ends a response left open, the way its route asked (else a plain end). */
export function endHeldOpen(res: ServerResponse): void {
  const end = heldOpen.get(res);
  heldOpen.delete(res);
  if (end) end();
  else res.end();
}
