import { useId } from 'react';
import { describeFaults, type Faults, type FetchFault, type ScriptFault } from '@shared/engine/faults';
import { useStudioData } from '../../app/studio-data';
import { useWhatIfFaults } from './use-events';

// "What if…" beside the replay buttons (docs/replay.md, "What-if"): faults from the pipeline's own
// scripts, its declared secrets and fetch, sent with the next replays until cleared. The finished
// run is compared with a normal one in the Runs view's compare.

type FetchChoice = '' | 'error' | 'timeout' | '500' | '503';

function fetchChoiceOf(faults: Faults | undefined): { choice: FetchChoice; host: string } {
  const first = faults?.fetch?.[0];
  if (!first) return { choice: '', host: '' };
  const choice = typeof first.fault === 'string' ? first.fault : (String(first.fault.status) as FetchChoice);
  return { choice, host: first.host ?? '' };
}

export function WhatIfSection({ disabled }: { disabled: boolean }) {
  const { scripts, pipeline } = useStudioData();
  const [faults, setFaults] = useWhatIfFaults();
  const id = useId();
  const secrets = pipeline?.secrets ?? [];
  const usedScripts = scripts.filter((script) => script.hooks.length > 0);
  const fetch = fetchChoiceOf(faults);

  const update = (change: (next: Faults) => void) => {
    const next: Faults = structuredClone(faults ?? {});
    change(next);
    setFaults(next);
  };
  const setFetch = (choice: FetchChoice, host: string) =>
    update((next) => {
      delete next.fetch;
      if (choice === '') return;
      const fault: FetchFault['fault'] =
        choice === 'error' || choice === 'timeout' ? choice : { status: Number(choice) };
      const cleaned = host.trim().toLowerCase();
      next.fetch = [cleaned === '' ? { fault } : { fault, host: cleaned }];
    });
  const setScript = (scriptId: string, fault: ScriptFault | '') =>
    update((next) => {
      const scriptsNext = { ...next.scripts };
      if (fault === '') delete scriptsNext[scriptId];
      else scriptsNext[scriptId] = fault;
      next.scripts = scriptsNext;
    });
  const setSecret = (name: string, missing: boolean) =>
    update((next) => {
      const names = new Set(next.secrets ?? []);
      if (missing) names.add(name);
      else names.delete(name);
      next.secrets = [...names];
    });

  return (
    <details className="event-what-if">
      <summary>{faults ? `What if… ${describeFaults(faults)}` : 'What if…'}</summary>
      <p id={`${id}-hint`}>
        Replays from here run with these faults and are labelled “what-if”; compare the run with a normal one in Runs.
      </p>
      <fieldset disabled={disabled} aria-describedby={`${id}-hint`}>
        <legend>helpers.fetch</legend>
        <label>
          Answers{' '}
          <select value={fetch.choice} onChange={(event) => setFetch(event.target.value as FetchChoice, fetch.host)}>
            <option value="">normally</option>
            <option value="error">with an error (unreachable host)</option>
            <option value="timeout">never (timeout)</option>
            <option value="500">with status 500</option>
            <option value="503">with status 503</option>
          </select>
        </label>{' '}
        <label>
          for host{' '}
          <input
            type="text"
            placeholder="every host"
            value={fetch.host}
            disabled={fetch.choice === ''}
            onChange={(event) => setFetch(fetch.choice, event.target.value)}
          />
        </label>
      </fieldset>
      {secrets.length > 0 && (
        <fieldset disabled={disabled}>
          <legend>Secrets that read as missing</legend>
          {secrets.map((name) => (
            <label key={name}>
              <input
                type="checkbox"
                checked={faults?.secrets?.includes(name) ?? false}
                onChange={(event) => setSecret(name, event.target.checked)}
              />{' '}
              {name}
            </label>
          ))}
        </fieldset>
      )}
      {usedScripts.length > 0 && (
        <fieldset disabled={disabled}>
          <legend>Scripts that fail without running</legend>
          {usedScripts.map((script) => (
            <label key={script.id}>
              {script.id}{' '}
              <select
                value={faults?.scripts?.[script.id] ?? ''}
                onChange={(event) => setScript(script.id, event.target.value as ScriptFault | '')}
              >
                <option value="">runs</option>
                <option value="timeout">times out</option>
                <option value="error">fails with an error</option>
              </select>
            </label>
          ))}
        </fieldset>
      )}
      <button type="button" onClick={() => setFaults(undefined)} disabled={disabled || !faults}>
        Clear faults
      </button>
    </details>
  );
}
