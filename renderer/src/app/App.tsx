import { useEffect, useState } from 'react';
import type { ChannelOutput } from '@shared/contract';
import { studio } from '../client/studio-client';
import { HookStepper } from '../features/hooks/HookStepper';

type Info = ChannelOutput<'app.info'>;
type HookList = ChannelOutput<'hooks.list'>;

type State =
  { phase: 'loading' } | { phase: 'ready'; info: Info; hooks: HookList } | { phase: 'error'; message: string };

export function App() {
  const [state, setState] = useState<State>({ phase: 'loading' });

  useEffect(() => {
    let cancelled = false;
    void Promise.all([studio.app.info(), studio.hooks.list()]).then(([info, hooks]) => {
      if (cancelled) return;
      if (!info.ok) return setState({ phase: 'error', message: info.error.message });
      if (!hooks.ok) return setState({ phase: 'error', message: hooks.error.message });
      setState({ phase: 'ready', info: info.value, hooks: hooks.value });
    });
    return () => {
      cancelled = true;
    };
  }, []);

  // Tests and assistive tools wait for this attribute instead of sleeping.
  useEffect(() => {
    document.getElementById('root')?.setAttribute('data-app-state', state.phase);
  }, [state.phase]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>Pipeline Studio</h1>
        {state.phase === 'ready' && (
          <span className="app-meta">
            v{state.info.version} · {state.info.host === 'web' ? 'web mode' : 'desktop'}
          </span>
        )}
      </header>
      <main className="app-main">
        {state.phase === 'loading' && <p role="status">Loading the studio…</p>}
        {state.phase === 'error' && (
          <p role="alert" className="error">
            {state.message}
          </p>
        )}
        {state.phase === 'ready' && <HookStepper groups={state.hooks.groups} hooks={state.hooks.hooks} />}
      </main>
    </div>
  );
}
