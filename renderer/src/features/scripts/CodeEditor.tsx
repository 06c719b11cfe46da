import { useEffect, useRef } from 'react';
import type * as Monaco from 'monaco-editor/editor';
import { monaco, theme } from './monaco-env';
import { setEventSchemas, type HookSchema } from './lua-intellisense';

export interface EditorMarker {
  owner: 'check' | 'run';
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column?: number;
}

interface Props {
  scriptId: string;
  /** The text the editor starts with; changing `revision` loads it again (restore, reload). */
  initial: string;
  revision: number;
  markers: EditorMarker[];
  schemas: HookSchema[];
  onChange(text: string): void;
  onSave(): void;
  onRun(): void;
  /** A line to reveal, put the cursor on and mark; a new object asks again for the same line. */
  reveal?: { line: number };
}

/** Monaco on one script: Lua highlighting, event/ctx/helpers completions, markers from check and run. */
export function CodeEditor({ scriptId, initial, revision, markers, schemas, onChange, onSave, onRun, reveal }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  // Keyboard commands are bound once; they call the latest handlers through this ref.
  const handlers = useRef({ onChange, onSave, onRun });
  useEffect(() => {
    handlers.current = { onChange, onSave, onRun };
  });

  useEffect(() => {
    if (!host.current) return;
    const model = monaco.editor.createModel(initial, 'lua', monaco.Uri.parse(`script:///${scriptId}.lua`));
    const editor = monaco.editor.create(host.current, {
      model,
      theme: theme(),
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      scrollBeyondLastLine: false,
      tabSize: 2,
      ariaLabel: `Lua source of ${scriptId}`,
      fixedOverflowWidgets: true,
    });
    editorRef.current = editor;
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => handlers.current.onSave());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => handlers.current.onRun());
    const subscription = model.onDidChangeContent(() => handlers.current.onChange(model.getValue()));
    return () => {
      subscription.dispose();
      editor.dispose();
      model.dispose();
      editorRef.current = null;
    };
    // The model is created once per script; a new text for it arrives through `revision` below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scriptId]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model && model.getValue() !== initial) model.setValue(initial);
    // Only an explicit reload (revision) replaces the text the person is typing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [revision]);

  // Opened at a line (an error in a trace): scroll it to the middle, put the cursor there and mark
  // the whole line until another line is asked for or the script changes.
  useEffect(() => {
    const editor = editorRef.current;
    const model = editor?.getModel();
    if (!editor || !model || !reveal) return;
    const line = Math.min(Math.max(1, Math.floor(reveal.line)), model.getLineCount());
    const decorations = editor.createDecorationsCollection([
      {
        range: new monaco.Range(line, 1, line, model.getLineMaxColumn(line)),
        options: {
          isWholeLine: true,
          className: 'revealed-line',
          linesDecorationsClassName: 'revealed-line-gutter',
          overviewRuler: { color: 'rgba(245, 158, 11, 0.8)', position: monaco.editor.OverviewRulerLane.Full },
        },
      },
    ]);
    editor.revealLineInCenter(line);
    editor.setPosition({ lineNumber: line, column: model.getLineFirstNonWhitespaceColumn(line) || 1 });
    editor.focus();
    return () => decorations.clear();
  }, [reveal, scriptId]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model) setEventSchemas(model, schemas);
  }, [schemas, scriptId]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    for (const owner of ['check', 'run'] as const) {
      monaco.editor.setModelMarkers(
        model,
        owner,
        markers
          .filter((marker) => marker.owner === owner)
          .map((marker) => {
            const line = Math.min(Math.max(marker.line, 1), model.getLineCount());
            return {
              severity: marker.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
              message: marker.message,
              startLineNumber: line,
              startColumn: marker.column ?? model.getLineFirstNonWhitespaceColumn(line) ?? 1,
              endLineNumber: line,
              endColumn: model.getLineMaxColumn(line),
            };
          }),
      );
    }
  }, [markers, scriptId]);

  return (
    <div
      ref={host}
      className="code-editor"
      data-editor-state="ready"
      data-revealed-line={reveal ? Math.max(1, Math.floor(reveal.line)) : undefined}
    />
  );
}
