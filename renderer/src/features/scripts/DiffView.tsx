import { useEffect, useRef } from 'react';
import { monaco, theme } from './monaco-env';

interface Props {
  title: string;
  original: string;
  modified: string;
  onClose(): void;
}

/** Two texts of a script side by side with Monaco's diff editor (read-only). */
export function DiffView({ title, original, modified, onClose }: Props) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const left = monaco.editor.createModel(original, 'lua');
    const right = monaco.editor.createModel(modified, 'lua');
    const diff = monaco.editor.createDiffEditor(host.current, {
      theme: theme(),
      readOnly: true,
      originalEditable: false,
      automaticLayout: true,
      minimap: { enabled: false },
      renderSideBySide: true,
      scrollBeyondLastLine: false,
      ariaLabel: title,
    });
    diff.setModel({ original: left, modified: right });
    return () => {
      diff.dispose();
      left.dispose();
      right.dispose();
    };
  }, [original, modified, title]);
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
