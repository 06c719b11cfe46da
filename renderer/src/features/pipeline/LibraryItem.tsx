import { useDraggable } from '@dnd-kit/core';
import type { ScriptSummary } from '../../app/studio-data';

/**
 * A script in the library: drag it onto a lane to attach it, or (a tab stop of its own) pick it up
 * with Space or Enter, go to a layer with the arrows and drop it with Space or Enter.
 */
export function LibraryItem({ script }: { script: ScriptSummary }) {
  const { setNodeRef, listeners, attributes, isDragging } = useDraggable({
    id: `library:${script.id}`,
    data: { kind: 'library', scriptId: script.id },
  });
  return (
    <li
      ref={setNodeRef}
      className={`library-item${isDragging ? ' dragging' : ''}`}
      {...attributes}
      {...listeners}
      aria-roledescription="draggable script"
      aria-label={`${script.id}${script.hooks.length ? `, used by ${script.hooks.join(', ')}` : ', not used yet'}`}
      tabIndex={0}
      role="listitem"
    >
      <span aria-hidden="true" className="drag-grip">
        ⠿
      </span>
      <code>{script.id}</code>
      <span className="library-meta">
        v{script.latest.version}
        {script.hooks.length === 0
          ? ' · unused'
          : ` · ${script.hooks.length} hook${script.hooks.length > 1 ? 's' : ''}`}
      </span>
    </li>
  );
}
