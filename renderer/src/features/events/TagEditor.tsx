import { useId, useState } from 'react';
import { normalizeTags } from './event-record';

interface Props {
  tags: string[];
  /** Resolves whether the tags were saved (the input is cleared only then). */
  onChange(tags: string[]): Promise<boolean>;
}

/** An event's tags: removable chips and an input that adds one or more (comma-separated) on Enter. */
export function TagEditor({ tags, onChange }: Props) {
  const [draft, setDraft] = useState('');
  const inputId = useId();
  const add = async () => {
    const next = normalizeTags([...tags, draft]);
    if (next.length === tags.length) return setDraft('');
    if (await onChange(next)) setDraft('');
  };
  return (
    <div className="tag-editor">
      <ul className="tag-list" aria-label="Tags">
        {tags.length === 0 && <li className="muted">No tags.</li>}
        {tags.map((tag) => (
          <li key={tag} className="tag">
            {tag}
            <button
              type="button"
              className="icon-button tag-remove"
              aria-label={`Remove tag ${tag}`}
              onClick={() => void onChange(tags.filter((t) => t !== tag))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="tag-add">
        <label htmlFor={inputId} className="visually-hidden">
          Add a tag
        </label>
        <input
          id={inputId}
          placeholder="Add a tag…"
          value={draft}
          maxLength={200}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              void add();
            }
          }}
        />
        <button type="button" onClick={() => void add()} disabled={!draft.trim() || tags.length >= 20}>
          Add tag
        </button>
      </div>
    </div>
  );
}
