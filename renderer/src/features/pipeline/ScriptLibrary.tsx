import { useState } from 'react';
import type { ScriptSummary } from '../../app/studio-data';
import { LibraryItem } from './LibraryItem';

/**
 * Every script of the workspace, to drag onto a lane: with the pointer, or from the keyboard (Space
 * picks a focused script up, arrows go from layer to layer of the open lanes, Space drops it).
 */
export function ScriptLibrary({ scripts }: { scripts: ScriptSummary[] }) {
  const [query, setQuery] = useState('');
  const shown = scripts.filter((script) => script.id.toLowerCase().includes(query.trim().toLowerCase()));
  return (
    <aside aria-label="Script library" className="script-library">
      <h3>Script library</h3>
      <input
        type="search"
        aria-label="Filter scripts"
        placeholder="Filter scripts"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      {scripts.length === 0 ? (
        <p className="empty-state">
          No scripts yet. Open a hook and choose “Add a script” to create one from a template.
        </p>
      ) : (
        <ul className="library-list" aria-label="Scripts to drag onto a hook">
          {shown.map((script) => (
            <LibraryItem key={script.id} script={script} />
          ))}
        </ul>
      )}
      <p className="view-hint">
        Drag a script onto a layer to run it in parallel, or between layers for a new one. From the keyboard: Space
        picks a script up, the arrows go through the open lanes, Space drops it.
      </p>
    </aside>
  );
}
