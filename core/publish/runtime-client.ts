import type { Bundle } from '../../shared/engine';
import type { z } from 'zod';
import type { rolloutRequestSchema } from '../../shared/contract/rollout-request';
import { traceFromOtlp, type RuntimeTrace } from '../rollout/otlp-trace';
import { differencesOf, rolloutOf, type RolloutDifference, type RolloutView } from './runtime-rollout-answers';
import { RuntimeHttp, RuntimeRequestError } from './runtime-http';
import {
  followTail,
  tailQuery,
  type TailFilter,
  type TailItem,
  type TailSampling,
  type TailStream,
} from './runtime-tail';

// The studio's client for an environment's runtime: one method per endpoint it uses
// (docs/runtime.md, "Endpoints"; rollouts and the live tail: docs/publish.md). How requests are
// made, bounded and their failures named is runtime-http.ts.

export { checkRuntimeUrl, isLoopbackHost, RuntimeRequestError, type RuntimeScope } from './runtime-http';

export interface RuntimeVersion {
  version: number;
  hash: string;
  publishedAt: string;
  author: string;
  message: string;
  kind?: string;
  restoredFrom?: number;
}

export interface ActiveBundle {
  version: number;
  hash: string;
  publishedAt: string;
  publishedBy: string;
  message: string;
  bundle: Bundle;
}

export interface ActivationAnswer {
  version: number;
  hash: string;
  changed: boolean;
}

const eventsTimeoutMs = 60_000;

/** publish.start's `rollout`: what a rollout is started with. */
export type RolloutRequest = z.infer<typeof rolloutRequestSchema>;

/** The runtime's rollout refusals, kept as the channels' own codes with a message that says what to do. */
const rolloutRefusals: Record<string, string> = {
  ROLLOUT_RUNNING: 'a rollout is running there: promote or abort the running rollout first',
  NO_ROLLOUT: 'no rollout was ever started there',
  ROLLOUT_ENDED: 'its last rollout has ended (promoted, aborted or rolled back): start a new one',
};

export class RuntimeClient extends RuntimeHttp {
  /** The active bundle, or null before the first publish. */
  async activeBundle(): Promise<ActiveBundle | null> {
    try {
      return (await this.json('GET', '/v1/bundle', 'publish')) as unknown as ActiveBundle;
    } catch (error) {
      if (error instanceof RuntimeRequestError && error.runtimeCode === 'NO_ACTIVE_BUNDLE') return null;
      throw error;
    }
  }

  /** PUT /v1/bundle with If-Match: the expected active hash, or `*` when none should be active. */
  async publish(input: {
    bundle: Bundle;
    expectedHash: string | null;
    message: string;
    author: string;
  }): Promise<ActivationAnswer> {
    const answer = await this.json(
      'PUT',
      '/v1/bundle',
      'publish',
      { bundle: input.bundle, message: input.message, author: input.author },
      { 'if-match': input.expectedHash === null ? '*' : `"${input.expectedHash}"` },
    );
    return answer as unknown as ActivationAnswer;
  }

  async history(limit = 100): Promise<{ active: number | null; versions: RuntimeVersion[] }> {
    return (await this.json('GET', `/v1/bundle/history?limit=${limit}`, 'publish')) as unknown as {
      active: number | null;
      versions: RuntimeVersion[];
    };
  }

  async rollback(input: { version: number; author: string; message?: string }): Promise<ActivationAnswer> {
    const body: Record<string, unknown> = { version: input.version, author: input.author };
    if (input.message !== undefined) body.message = input.message;
    return (await this.json('POST', '/v1/bundle/rollback', 'publish', body)) as unknown as ActivationAnswer;
  }

  async secretNames(): Promise<string[]> {
    const answer = (await this.json('GET', '/v1/secrets', 'secrets:write')) as { secrets?: { name: string }[] };
    return (answer.secrets ?? []).map((secret) => secret.name);
  }

  async setSecret(name: string, value: string): Promise<void> {
    await this.json('PUT', `/v1/secrets/${encodeURIComponent(name)}`, 'secrets:write', { value });
  }

  /** Captured events as NDJSON text. */
  async events(query: { since?: string; hook?: string; limit?: number }): Promise<string> {
    const params = new URLSearchParams();
    if (query.hook !== undefined) params.set('hook', query.hook);
    if (query.since !== undefined) params.set('since', query.since);
    params.set('limit', String(query.limit ?? 10_000));
    const response = await this.request(
      'GET',
      `/v1/events?${params.toString()}`,
      'events:read',
      undefined,
      {},
      eventsTimeoutMs,
    );
    return response.text;
  }

  /** POST /v1/rollouts with If-Match of the active hash the user reviewed (`*`: none active). */
  async startRollout(input: {
    bundle: Bundle;
    request: RolloutRequest;
    expectedHash: string | null;
    message: string;
    author: string;
  }): Promise<RolloutView> {
    const { mode, percent, stickyBy, guard } = input.request;
    const body = {
      bundle: input.bundle,
      mode,
      percent,
      ...(stickyBy !== undefined ? { stickyBy } : {}),
      ...(guard !== undefined ? { guard } : {}),
      message: input.message,
      author: input.author,
    };
    const headers = { 'if-match': input.expectedHash === null ? '*' : `"${input.expectedHash}"` };
    return rolloutOf(await this.rollout('POST', '/v1/rollouts', body, headers), this.url, 'POST /v1/rollouts');
  }

  // Steering a rollout sends no author: the runtime records the token's name, as it does for a
  // request without one (docs/runtime.md).

  /** The running (or last) rollout; null before the first. */
  async currentRollout(): Promise<RolloutView | null> {
    try {
      return rolloutOf(await this.rollout('GET', '/v1/rollouts/current'), this.url, 'GET /v1/rollouts/current');
    } catch (error) {
      if (error instanceof RuntimeRequestError && error.runtimeCode === 'NO_ROLLOUT') return null;
      throw error;
    }
  }

  async setRolloutPercent(percent: number): Promise<RolloutView> {
    const answer = await this.rollout('PATCH', '/v1/rollouts/current', { percent });
    return rolloutOf(answer, this.url, 'PATCH /v1/rollouts/current');
  }

  async promoteRollout(): Promise<RolloutView> {
    const answer = await this.rollout('POST', '/v1/rollouts/current/promote');
    return rolloutOf(answer, this.url, 'POST /v1/rollouts/current/promote');
  }

  async abortRollout(): Promise<RolloutView> {
    const answer = await this.rollout('POST', '/v1/rollouts/current/abort');
    return rolloutOf(answer, this.url, 'POST /v1/rollouts/current/abort');
  }

  /** The events the running (or last) rollout decided differently, newest first. */
  async rolloutDifferences(limit = 200): Promise<RolloutDifference[]> {
    const answer = await this.rollout(
      'GET',
      `/v1/rollouts/current/differences?limit=${limit}`,
      undefined,
      {},
      'events:read',
    );
    return differencesOf(answer, this.url);
  }

  /** One trace in the trace view's form; NOT_FOUND when the runtime does not keep it. */
  async trace(traceId: string): Promise<RuntimeTrace> {
    const pathname = `/v1/traces/${encodeURIComponent(traceId)}`;
    let document: unknown;
    try {
      document = await this.json('GET', pathname, 'events:read');
    } catch (error) {
      if (error instanceof RuntimeRequestError && error.status === 404 && error.runtimeCode === 'NOT_FOUND') {
        throw new RuntimeRequestError(
          'NOT_FOUND',
          `The runtime of ${this.environment} keeps no trace ${traceId} (never stored, or pruned).`,
          404,
          'NOT_FOUND',
        );
      }
      throw error;
    }
    let trace: RuntimeTrace | null;
    try {
      trace = traceFromOtlp(document, traceId);
    } catch (error) {
      throw new RuntimeRequestError(
        'RUNTIME_UNREACHABLE',
        `${this.url} answered GET ${pathname} with ${(error as Error).message}.`,
        200,
      );
    }
    if (trace === null) {
      throw new RuntimeRequestError('NOT_FOUND', `The runtime of ${this.environment} keeps no trace ${traceId}.`, 200);
    }
    return trace;
  }

  /**
   * Opens GET /v1/tail (resolves once the runtime has answered, with its refusals as for any call)
   * and follows it until `stop()`; there is no read deadline, since a quiet runtime sends only its
   * heartbeat.
   */
  async openTail(
    filter: TailFilter,
    onItem: (item: TailItem) => void,
    onSampling: (sampling: TailSampling) => void,
  ): Promise<TailStream> {
    const controller = new AbortController();
    const body = await this.openStream(`/v1/tail${tailQuery(filter)}`, 'events:read', controller.signal);
    return followTail(body, controller, onItem, onSampling);
  }

  private async rollout(
    method: string,
    pathname: string,
    body?: unknown,
    headers: Record<string, string> = {},
    scope: 'publish' | 'events:read' = 'publish',
  ): Promise<Record<string, unknown>> {
    try {
      return await this.json(method, pathname, scope, body, headers);
    } catch (error) {
      const said =
        error instanceof RuntimeRequestError && error.runtimeCode ? rolloutRefusals[error.runtimeCode] : undefined;
      if (error instanceof RuntimeRequestError && said !== undefined) {
        throw new RuntimeRequestError(
          error.runtimeCode ?? 'RUNTIME_REFUSED',
          `The runtime of ${this.environment} refused: ${said}.`,
          error.status,
          error.runtimeCode,
          error.body,
        );
      }
      throw error;
    }
  }
}
