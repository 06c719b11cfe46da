import { useState } from 'react';
import type { ChannelOutput } from '@shared/contract';

type Version = ChannelOutput<'scripts.versions'>[number];

interface Props {
  versions: Version[];
  dirty: boolean;
  onCompare(from: number, to: number): void;
  onCompareDraft(): void;
  onRestore(version: number): void;
}

/** Saved versions, newest first: compare two, compare the draft, restore one. */
export function VersionHistory({ versions, dirty, onCompare, onCompareDraft, onRestore }: Props) {
  const newest = versions[0]?.version ?? 1;
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const left = from ?? versions[1]?.version ?? newest;
  const right = to ?? newest;
  if (versions.length === 0) return <p className="empty-state">No saved versions yet: save the script (Ctrl/⌘+S).</p>;
  const options = versions.map((v) => (
    <option key={v.version} value={v.version}>
      v{v.version}
    </option>
  ));
  return (
    <div className="version-history">
      <div className="compare-row">
        <label>
          From
          <select value={left} onChange={(event) => setFrom(Number(event.target.value))}>
            {options}
          </select>
        </label>
        <label>
          To
          <select value={right} onChange={(event) => setTo(Number(event.target.value))}>
            {options}
          </select>
        </label>
        <button type="button" disabled={left === right} onClick={() => onCompare(left, right)}>
          Compare versions
        </button>
      </div>
      <button
        type="button"
        disabled={!dirty}
        onClick={onCompareDraft}
        title={dirty ? undefined : 'The draft equals the latest version'}
      >
        Compare draft with v{newest}
      </button>
      <ol className="version-list" aria-label="Versions">
        {versions.map((v) => (
          <li key={v.version} aria-label={`Version ${v.version}`}>
            <div className="version-title">
              <strong>v{v.version}</strong>
              {v.version === newest && <span className="tag">latest</span>}
              <time dateTime={v.createdAt}>{new Date(v.createdAt).toLocaleString()}</time>
            </div>
            <p className="version-message">{v.message || <span className="muted">no message</span>}</p>
            <div className="version-actions">
              <code className="muted" title="Content hash">
                {v.contentHash.slice(0, 10)}
              </code>
              {v.version !== newest && (
                <button type="button" onClick={() => onRestore(v.version)} aria-label={`Restore version ${v.version}`}>
                  Restore
                </button>
              )}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
