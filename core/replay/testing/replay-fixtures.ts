import type { ChannelOutput, PushedEvent } from '../../../shared/contract';
import type { RecordedEvent } from '../../../shared/engine';
import type { HookId } from '../../../shared/hooks';
import type { AuthoringHarness } from '../../authoring/testing/authoring-harness';
import { Workspace } from '../../store';

// Pipelines and recorded events for the replay tests, set up through the channels as the studio
// would (scripts.create, scripts.save, pipeline.setLayers) and imported as the CLI imports.

/** A blocking script that denies mailinator addresses; `spin` loop iterations make each run slower. */
export function denyMailinator(spin = 0, code = 'DISPOSABLE'): string {
  return `local email = string.lower(event.user and event.user.email or "")
local x = 0
for i = 1, ${spin} do x = x + i end
if email:find("mailinator", 1, true) then
  return { allow = false, reason = "disposable email", code = "${code}" }
end
return true
`;
}

/** Creates (or saves a new version of) a script and attaches it alone to `hook`. */
export async function attachScript(h: AuthoringHarness, id: string, hook: HookId, source: string): Promise<void> {
  const scripts = await h.call('scripts.list', {});
  if (!scripts.some((script) => script.id === id)) await h.call('scripts.create', { id, template: 'blank' });
  await h.call('scripts.save', { id, source });
  await h.call('pipeline.setLayers', { hook, layers: [[id]] });
}

/** `count` signup.before events; every third uses mailinator and was recorded as denied, the rest allowed. */
export function signupEvents(count: number, prefix = 'evt'): RecordedEvent[] {
  return Array.from({ length: count }, (_, i): RecordedEvent => {
    const disposable = i % 3 === 0;
    return {
      id: `${prefix}-${String(i).padStart(4, '0')}`,
      hook: 'signup.before',
      event: {
        user: { email: disposable ? `u${i}@mailinator.com` : `u${i}@example.com` },
        provider: 'email',
        request: { ip: '203.0.113.7' },
      },
      outcome: disposable ? { allow: false, reason: 'disposable email', code: 'DISPOSABLE' } : { allow: true },
    };
  });
}

export function importEvents(dir: string, events: RecordedEvent[], options: { pinned?: boolean } = {}): void {
  const workspace = Workspace.open({ dir });
  try {
    workspace.events.import(events, options);
  } finally {
    workspace.close();
  }
}

/**
 * The run's final progress, once it has ended: from the pushed replay.progress (the run may still
 * be going) or from the channel (it may already have ended). Never polls.
 */
export function waitForRunEnd(h: AuthoringHarness, runId: number): Promise<ChannelOutput<'replay.progress'>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (progress: ChannelOutput<'replay.progress'>) => {
      if (settled) return;
      settled = true;
      stop();
      resolve(progress);
    };
    const stop = h.core.events.subscribe((event) => {
      if (event.name !== 'replay.progress') return;
      const progress = (event as PushedEvent<'replay.progress'>).payload;
      if (progress.runId === runId && progress.status !== 'running') settle(progress);
    });
    h.call('replay.progress', { runId }).then(
      (progress) => {
        if (progress.status !== 'running') settle(progress);
      },
      (error: unknown) => {
        stop();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
