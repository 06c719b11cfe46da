import { useEffect, useRef } from 'react';
import { monaco, theme } from './monaco-env';

/**
 * Two Lua texts side by side in Monaco's read-only diff editor, mounted in the returned element.
 * The gutter menu (revert buttons) is off: it means nothing read-only, and disposing a diff editor
 * that has it logs "AbstractContextKeyService has been disposed" (microsoft/monaco-editor#4581).
 */
export function useMonacoDiff(original: string, modified: string, ariaLabel: string) {
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
      ariaLabel,
    });
    diff.setModel({ original: left, modified: right });
    return () => {
      diff.dispose();
      left.dispose();
      right.dispose();
    };
  }, [original, modified, ariaLabel]);
  return host;
}
