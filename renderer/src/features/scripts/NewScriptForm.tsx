import { useState } from 'react';
import type { ChannelInput } from '@shared/contract';
import { studio } from '../../client/studio-client';
import { useStudioData, type ScriptSummary } from '../../app/studio-data';
import { ErrorMessage } from '../../components/ErrorMessage';

type Template = ChannelInput<'scripts.create'>['template'];

const templates: { id: Template; label: string; hint: string }[] = [
  { id: 'blocking', label: 'Blocking', hint: 'allow or deny (.before hooks)' },
  { id: 'enrichment', label: 'Enrichment', hint: 'return fields to merge (.enrich hooks)' },
  { id: 'async', label: 'Async', hint: 'side effects, result only traced (.after hooks)' },
  { id: 'blank', label: 'Blank', hint: 'an empty function' },
];

interface Props {
  defaultTemplate: Template;
  onCreated(script: ScriptSummary): void;
}

/** Creates a script (its first version) from a template. */
export function NewScriptForm({ defaultTemplate, onCreated }: Props) {
  const { reload } = useStudioData();
  const [id, setId] = useState('');
  const [template, setTemplate] = useState<Template>(defaultTemplate);
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const result = await studio.scripts.create({
      id: id.trim(),
      template,
      ...(description.trim() ? { description: description.trim() } : {}),
    });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    await reload();
    onCreated(result.value);
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
      <label>
        Script id
        <input
          required
          autoFocus
          pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,63}"
          title="Letters, digits, - and _ (64 at most), starting with a letter or digit"
          placeholder="block-disposable-email"
          value={id}
          onChange={(event) => setId(event.target.value)}
        />
      </label>
      <fieldset>
        <legend>Template</legend>
        {templates.map((option) => (
          <label key={option.id} className="radio">
            <input
              type="radio"
              name="template"
              value={option.id}
              checked={template === option.id}
              onChange={() => setTemplate(option.id)}
            />
            <span>
              {option.label} <span className="muted">— {option.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label>
        Description <span className="muted">(optional)</span>
        <input value={description} maxLength={500} onChange={(event) => setDescription(event.target.value)} />
      </label>
      <ErrorMessage message={error} />
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={busy}>
          Create script
        </button>
      </div>
    </form>
  );
}
