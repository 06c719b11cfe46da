import { isIP } from 'node:net';
import { ContractError } from '../../shared/contract';

// How the studio speaks HTTP to an environment's runtime (docs/runtime.md, "Endpoints"); the
// endpoints themselves are in runtime-client.ts. Decided here:
// - Node 20's fetch; every request has a deadline (15 s by default) so that a runtime that accepts
//   the connection but never answers cannot hang a publish; a stream (the live tail) has a deadline
//   for its answer's headers only, since it stays open for as long as it is followed;
// - the runtime's TLS rule is mirrored: plain http only to a loopback host (127.0.0.0/8, ::1,
//   localhost), so the token never crosses a network in clear text; anything else must be https;
// - redirects are refused (`redirect: 'error'`): a redirect would carry the token to another URL;
// - HTTP statuses become the channels' codes: 401/403/429 RUNTIME_REFUSED with a message naming
//   what to fix (token missing/wrong/revoked, the scope it lacks, slowed down after failed
//   authentications; another 429, such as the tail's followers cap, in the runtime's words), network failures,
//   timeouts and 5xx RUNTIME_UNREACHABLE; the runtime's own codes (PRECONDITION_FAILED,
//   SECRETS_MISSING, PIPELINE_INVALID, NOT_FOUND, ROLLOUT_RUNNING…) are kept in `runtimeCode` with
//   the body, for the callers that handle them. The token never appears in a message.

export type RuntimeScope = 'publish' | 'secrets:write' | 'events:read' | 'invoke';

export class RuntimeRequestError extends ContractError {
  constructor(
    code: string,
    message: string,
    /** The HTTP status (0: no answer). */
    readonly status: number,
    /** The runtime's error code, when it answered one. */
    readonly runtimeCode?: string,
    /** The runtime's error object (missing, activeHash, problems…). */
    readonly body?: Record<string, unknown>,
  ) {
    super(code, message);
    this.name = 'RuntimeRequestError';
  }
}

export const defaultTimeoutMs = 15_000;

/** Whether a host name is loopback (where the runtime allows plain HTTP). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** The runtime's base URL, checked: http(s), no credentials, plain http only to loopback. */
export function checkRuntimeUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ContractError('NO_RUNTIME_URL', `"${url}" is not a URL.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ContractError('NO_RUNTIME_URL', `A runtime URL must start with https:// or http://.`);
  }
  if (parsed.username || parsed.password) {
    throw new ContractError('NO_RUNTIME_URL', 'A runtime URL must not contain a user name or password.');
  }
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
    throw new ContractError(
      'NO_RUNTIME_URL',
      `Refusing plain http to ${parsed.host}: the token would cross the network unencrypted. Use https:// (the runtime allows plain HTTP on loopback only).`,
    );
  }
  return parsed;
}

export class RuntimeHttp {
  private readonly base: URL;

  constructor(
    runtimeUrl: string,
    private readonly token: string,
    /** Named in messages. */
    protected readonly environment: string,
    protected readonly timeoutMs = defaultTimeoutMs,
  ) {
    this.base = checkRuntimeUrl(runtimeUrl);
  }

  get url(): string {
    return this.base.origin + this.base.pathname.replace(/\/$/, '');
  }

  protected async json(
    method: string,
    pathname: string,
    scope: RuntimeScope,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Record<string, unknown>> {
    const response = await this.request(method, pathname, scope, body, headers, this.timeoutMs);
    try {
      return JSON.parse(response.text) as Record<string, unknown>;
    } catch {
      throw new RuntimeRequestError(
        'RUNTIME_UNREACHABLE',
        `${this.url} answered ${method} ${pathname} with something that is not JSON: is it a Pipeline Studio runtime?`,
        response.status,
      );
    }
  }

  protected async request(
    method: string,
    pathname: string,
    scope: RuntimeScope,
    body: unknown,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<{ status: number; text: string }> {
    const init = this.init(method, body, headers, AbortSignal.timeout(timeoutMs));
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.url}${pathname}`, init);
      text = await response.text();
    } catch (error) {
      throw this.unreachable(error, timeoutMs);
    }
    if (response.ok) return { status: response.status, text };
    throw this.failure(response.status, text, scope, response.headers.get('retry-after'));
  }

  /**
   * GET of a stream that stays open (Server-Sent Events): `connectTimeoutMs` bounds the wait for
   * the answer's headers, then only `signal` (the caller's stop) ends it. Answers that are not
   * `text/event-stream` are refused, so a proxy's page is never read as events.
   */
  protected async openStream(
    pathname: string,
    scope: RuntimeScope,
    signal: AbortSignal,
    connectTimeoutMs = this.timeoutMs,
  ): Promise<ReadableStream<Uint8Array>> {
    const connecting = new AbortController();
    const stop = () => connecting.abort(signal.reason);
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(
      () => connecting.abort(new DOMException('connect deadline', 'TimeoutError')),
      connectTimeoutMs,
    );
    let response: Response;
    try {
      response = await fetch(`${this.url}${pathname}`, {
        ...this.init('GET', undefined, { accept: 'text/event-stream' }, connecting.signal),
      });
    } catch (error) {
      signal.removeEventListener('abort', stop);
      throw this.unreachable(error, connectTimeoutMs);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) {
      signal.removeEventListener('abort', stop);
      const text = await response.text().catch(() => '');
      throw this.failure(response.status, text, scope, response.headers.get('retry-after'));
    }
    const type = response.headers.get('content-type') ?? '';
    if (!/^text\/event-stream\b/i.test(type) || response.body === null) {
      signal.removeEventListener('abort', stop);
      await response.body?.cancel().catch(() => {});
      throw new RuntimeRequestError(
        'RUNTIME_UNREACHABLE',
        `${this.url} answered GET ${pathname.split('?')[0] ?? pathname} with "${type || 'no content type'}" instead of an event stream: is it a Pipeline Studio runtime?`,
        response.status,
      );
    }
    return response.body;
  }

  private init(method: string, body: unknown, headers: Record<string, string>, signal: AbortSignal): RequestInit {
    return {
      method,
      redirect: 'error',
      signal,
      headers: {
        authorization: `Bearer ${this.token}`,
        accept: 'application/json, application/x-ndjson',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    };
  }

  private unreachable(error: unknown, timeoutMs: number): RuntimeRequestError {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return new RuntimeRequestError(
      'RUNTIME_UNREACHABLE',
      timedOut
        ? `The runtime of ${this.environment} (${this.url}) did not answer within ${timeoutMs / 1000} s.`
        : `Cannot reach the runtime of ${this.environment} at ${this.url}: ${cause}.`,
      0,
    );
  }

  private failure(status: number, text: string, scope: RuntimeScope, retryAfter: string | null): RuntimeRequestError {
    let error: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(text) as { error?: Record<string, unknown> };
      if (parsed.error && typeof parsed.error === 'object') error = parsed.error;
    } catch {
      // Not the runtime's JSON (a proxy's page): the status says enough.
    }
    const runtimeCode = typeof error.code === 'string' ? error.code : undefined;
    const said = typeof error.message === 'string' ? error.message : `HTTP ${status}`;
    const where = `the runtime of ${this.environment} (${this.url})`;
    const refused = (message: string) =>
      new RuntimeRequestError('RUNTIME_REFUSED', message, status, runtimeCode, error);
    if (status === 401) {
      return refused(
        `${where} refused the token (401): it is missing, wrong or revoked. Store a valid one with \`pipeline-studio env token ${this.environment}\` or in the Environments screen.`,
      );
    }
    if (status === 403) {
      if (runtimeCode === 'TLS_REQUIRED') return refused(`${where} requires https (403 TLS_REQUIRED): ${said}`);
      return refused(
        `${where} refused the request (403): the token lacks the "${scope}" scope. Create one with \`pipeline-studio runtime token create --scopes publish,secrets:write,events:read\` on the runtime and store it for ${this.environment}.`,
      );
    }
    const retry = retryAfter ? `; retry in ${retryAfter} s` : '';
    // Only the failure limit's 429 is about this address's authentications; another (the live
    // tail's TOO_MANY_FOLLOWERS) keeps the runtime's own code and words for its callers.
    if (status === 429 && (runtimeCode === undefined || runtimeCode === 'TOO_MANY_FAILURES')) {
      return refused(
        `${where} is refusing requests from this address after too many failed authentications (429)${retry}.`,
      );
    }
    if (status === 429) return refused(`${where}: ${runtimeCode}: ${said} (429)${retry}.`);
    if (status >= 500 || runtimeCode === undefined) {
      return new RuntimeRequestError(
        'RUNTIME_UNREACHABLE',
        `${where} failed: ${said} (HTTP ${status}).`,
        status,
        runtimeCode,
        error,
      );
    }
    // The runtime's own refusal (412, 409, 422, 404…): callers look at runtimeCode.
    return new RuntimeRequestError('RUNTIME_REFUSED', `${where}: ${runtimeCode}: ${said}`, status, runtimeCode, error);
  }
}
