import { useState } from 'react';
import type { HookSummary } from '../../app/studio-data';
import { useStudioData } from '../../app/studio-data';
import { Dialog } from '../../components/Dialog';
import { NewScriptForm } from '../scripts/NewScriptForm';
import { layerOf, type Layers } from './layer-moves';

interface Props {
  hook: HookSummary;
  layers: Layers;
  onClose(): void;
  onChosen(scriptId: string): void;
}

type Tab = 'new' | 'existing';

/** Adds a script to a hook: a new one from the template of the hook's mode, or an existing one. */
export function ScriptPickerDialog({ hook, layers, onClose, onChosen }: Props) {
  const { scripts } = useStudioData();
  const [tab, setTab] = useState<Tab>('new');
  const [query, setQuery] = useState('');
  const shown = scripts.filter((script) => script.id.toLowerCase().includes(query.trim().toLowerCase()));
  const tabs: [Tab, string][] = [
    ['new', 'New script'],
    ['existing', 'Existing script'],
  ];
  return (
    <Dialog title={`Add a script to ${hook.id}`} open onClose={onClose}>
      <div role="tablist" aria-label="Where the script comes from" className="tabs">
        {tabs.map(([id, label]) => (
          <button
            key={id}
            id={`picker-tab-${id}`}
            type="button"
            role="tab"
            aria-selected={tab === id}
            aria-controls={`picker-panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            onClick={() => setTab(id)}
            onKeyDown={(event) => {
              if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
                const next = tab === 'new' ? 'existing' : 'new';
                setTab(next);
                document.getElementById(`picker-tab-${next}`)?.focus();
              }
            }}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === 'new' ? (
        <div role="tabpanel" id="picker-panel-new" aria-labelledby="picker-tab-new">
          <NewScriptForm defaultTemplate={hook.mode} onCreated={(script) => onChosen(script.id)} />
        </div>
      ) : (
        <div role="tabpanel" id="picker-panel-existing" aria-labelledby="picker-tab-existing">
          <input
            type="search"
            aria-label="Search scripts"
            placeholder="Search scripts"
            value={query}
            autoFocus
            onChange={(event) => setQuery(event.target.value)}
          />
          {scripts.length === 0 && <p className="empty-state">No scripts yet: create one in the “New script” tab.</p>}
          <ul className="picker-list" aria-label="Scripts">
            {shown.map((script) => {
              const attached = layerOf(layers, script.id) >= 0;
              return (
                <li key={script.id}>
                  <button
                    type="button"
                    aria-disabled={attached ? true : undefined}
                    aria-describedby={attached ? `attached-${script.id}` : undefined}
                    onClick={() => !attached && onChosen(script.id)}
                  >
                    <code>{script.id}</code>
                    <span className="picker-meta">{script.description ?? `v${script.latest.version}`}</span>
                  </button>
                  {attached && (
                    <span id={`attached-${script.id}`} className="limit-reason">
                      already in {hook.id} (a script runs once per hook)
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </Dialog>
  );
}
