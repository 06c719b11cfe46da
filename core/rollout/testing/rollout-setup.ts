import type { ChannelOutput, EventName, EventPayload } from '../../../shared/contract';
import { samplePayloads } from '../../../shared/hooks';
import type { AuthoringHarness } from '../../authoring/testing/authoring-harness';
import type { TestRuntime } from '../../publish/testing/runtime-process';

// What the rollout tests share: a workspace whose environment points at a real runtime (a child
// process on loopback, core/publish/testing/runtime-process.ts), a wait for a pushed event, and a
// publish job followed to its end through its pushed steps.

export const studioScopes = ['publish', 'secrets:write', 'events:read'];
export const adminScopes = ['publish', 'secrets:write', 'invoke', 'events:read'];

type Progress = ChannelOutput<'publish.progress'>;

export async function connectEnvironment(h: AuthoringHarness, runtime: TestRuntime, environment = 'staging') {
  if (environment !== 'staging') await h.call('environments.create', { name: environment });
  await h.call('environments.update', { name: environment, runtimeUrl: runtime.url });
  await h.call('environments.setToken', { name: environment, token: runtime.tokens.studio ?? '' });
}

/** The first pushed `name` event that `match` accepts; subscribe before causing it. */
export function nextEvent<E extends EventName>(
  h: AuthoringHarness,
  name: E,
  match: (payload: EventPayload<E>) => boolean = () => true,
): Promise<EventPayload<E>> {
  return new Promise((resolve) => {
    const stop = h.core.events.subscribe((event) => {
      if (event.name !== name || !match(event.payload as EventPayload<E>)) return;
      stop();
      resolve(event.payload as EventPayload<E>);
    });
  });
}

/** Starts a publish job (or a rollout) and waits for the pushed steps that end it. */
export async function runPublishJob(
  h: AuthoringHarness,
  input: Parameters<AuthoringHarness['call']>[1] & { environment: string; message: string },
): Promise<Progress> {
  const ended: Progress[] = [];
  let wake = () => {};
  const stop = h.core.events.subscribe((event) => {
    if (event.name !== 'publish.steps') return;
    const progress = event.payload as Progress;
    if (progress.status !== 'running') {
      ended.push(progress);
      wake();
    }
  });
  try {
    const { jobId } = await h.call('publish.start', input);
    for (;;) {
      const found = ended.find((progress) => progress.jobId === jobId);
      if (found) return found;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stop();
  }
}

/** Invokes a hook on the runtime as an auth server would; the answer carries the trace id. */
export async function invoke(runtime: TestRuntime, email: string) {
  const answer = await runtime.api('POST', '/v1/hooks/signup.before', {
    token: runtime.tokens.admin ?? '',
    body: { event: { ...samplePayloads['signup.before'], user: { email, name: 'Ada' } } },
  });
  if (answer.status !== 200) throw new Error(`invoke answered ${answer.status}: ${answer.text}`);
  return answer.json as { allow: boolean; traceId: string; version: number | null };
}
