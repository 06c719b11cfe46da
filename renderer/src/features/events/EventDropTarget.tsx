import { useEffect, useEffectEvent, useState } from 'react';
import { eventImports } from './event-imports';

interface Props {
  /** Files were dropped and their import started (the app shows the Events view). */
  onImport(): void;
}

const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;

/**
 * Dropping event files anywhere on the window imports them, whatever the view. Listens on the
 * window (capture phase, files only) so no drop zone of a view can swallow the file, and so the
 * browser never navigates away to show a dropped file.
 */
export function EventDropTarget({ onImport }: Props) {
  const [dragging, setDragging] = useState(false);
  const started = useEffectEvent(() => onImport());

  useEffect(() => {
    // dragenter/dragleave fire for every element crossed: count them to know when the file left.
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth += 1;
      setDragging(true);
    };
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      event.stopPropagation();
      depth = 0;
      setDragging(false);
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length === 0) return;
      void eventImports.importFiles(files);
      started();
    };
    const options = { capture: true };
    window.addEventListener('dragenter', enter, options);
    window.addEventListener('dragover', over, options);
    window.addEventListener('dragleave', leave, options);
    window.addEventListener('drop', drop, options);
    return () => {
      window.removeEventListener('dragenter', enter, options);
      window.removeEventListener('dragover', over, options);
      window.removeEventListener('dragleave', leave, options);
      window.removeEventListener('drop', drop, options);
    };
  }, []);

  if (!dragging) return null;
  return (
    <div className="event-drop-overlay" role="status">
      <div className="event-drop-card">
        <strong>Drop to import events</strong>
        <span>NDJSON (one recorded event a line) or a JSON array; bad lines are reported and skipped.</span>
      </div>
    </div>
  );
}
