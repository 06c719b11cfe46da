import { WhatIfSection } from './WhatIfSection';

interface Props {
  selected: number;
  pinned: number;
  matching: number;
  busy: boolean;
  /** The environments whose secrets a replay may read, and the chosen one. */
  environments: string[];
  environment: string;
  onEnvironmentChange(environment: string): void;
  onReplaySelected(): void;
  onReplayPinned(): void;
  onReplayMatching(): void;
  onPinSelected(pinned: boolean): void;
  onDeleteSelected(): void;
  onClearSelection(): void;
}

const n = (count: number) => count.toLocaleString('en-US');

/** What can be done with the checked events, and the replays. */
export function EventToolbar(props: Props) {
  const { selected, busy } = props;
  return (
    <div className="event-toolbar" role="toolbar" aria-label="Event actions">
      <div className="event-toolbar-group">
        <span className="event-selected-count" aria-live="polite">
          {selected === 0 ? 'No event selected' : `${n(selected)} selected`}
        </span>
        {selected > 0 && (
          <>
            <button type="button" onClick={() => props.onPinSelected(true)} disabled={busy}>
              Pin
            </button>
            <button type="button" onClick={() => props.onPinSelected(false)} disabled={busy}>
              Unpin
            </button>
            <button type="button" className="danger" onClick={props.onDeleteSelected} disabled={busy}>
              Delete…
            </button>
            <button type="button" onClick={props.onClearSelection}>
              Clear selection
            </button>
          </>
        )}
      </div>
      <div className="event-toolbar-group event-replays">
        <label className="event-replay-environment" title="Whose keychain secrets the scripts read (helpers.secret)">
          Secrets from{' '}
          <select
            value={props.environment}
            onChange={(event) => props.onEnvironmentChange(event.target.value)}
            disabled={busy}
          >
            {props.environments.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" onClick={props.onReplaySelected} disabled={busy || selected === 0}>
          Replay selected ({n(selected)})
        </button>
        <button type="button" onClick={props.onReplayPinned} disabled={busy || props.pinned === 0}>
          Replay pinned suite ({n(props.pinned)})
        </button>
        <button type="button" onClick={props.onReplayMatching} disabled={busy || props.matching === 0}>
          Replay all matching ({n(props.matching)})
        </button>
        <WhatIfSection disabled={busy} />
      </div>
    </div>
  );
}
