import { useMonacoDiff } from './use-monaco-diff';

interface Props {
  title: string;
  original: string;
  modified: string;
  onClose(): void;
}

/** Two texts of a script side by side with Monaco's diff editor (read-only). */
export function DiffView({ title, original, modified, onClose }: Props) {
  const host = useMonacoDiff(original, modified, title);
  return (
    <section className="diff-view" aria-label={title}>
      <header className="diff-header">
        <h3>{title}</h3>
        <span className="muted">{original === modified ? 'No differences' : null}</span>
        <button type="button" onClick={onClose}>
          Back to the editor
        </button>
      </header>
      <div ref={host} className="diff-editor" />
    </section>
  );
}
