import { useEffect, useRef } from 'react';
import { monaco, theme } from '../scripts/monaco-env';

interface Props {
  title: string;
  original: string;
  modified: string;
}

/**
 * A script on the runtime and in this workspace, side by side (Monaco's read-only diff editor, as
 * the script editor's DiffView, without its "back to the editor" header). The gutter menu (revert
 * buttons) is off: it means nothing read-only, and disposing a diff editor that has it logs
 * "AbstractContextKeyService has been disposed" (microsoft/monaco-editor#4581).
 */
export function ScriptDiff({ title, original, modified }: Props) {
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
      renderGutterMenu: false,
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
    <section className="publish-script-diff" aria-label={title}>
      <p className="muted publish-script-diff-legend">
        <span>On the runtime</span>
        <span>In this workspace</span>
      </p>
      <div ref={host} className="diff-editor" />
    </section>
  );
}
