import { useDroppable } from '@dnd-kit/core';
import type { DropTarget } from './layer-moves';

interface Props {
  target: Extract<DropTarget, { kind: 'new-layer' }>;
  /** Set while a drag is on: why this drop is not possible, or null when it is. */
  blocked: string | null;
  dragging: boolean;
  /** The last zone of a lane is also a button that opens the script picker. */
  onAdd?: () => void;
  addBlocked?: string | null;
}

/** A gap between layers (or after the last) where a dropped script starts a new layer. */
export function GhostDropZone({ target, blocked, dragging, onAdd, addBlocked }: Props) {
  const { setNodeRef, isOver } = useDroppable({
    id: `new-layer:${target.hook}:${target.at}`,
    data: target,
    disabled: blocked !== null,
  });
  const state = dragging ? (blocked ? 'blocked' : isOver ? 'over' : 'open') : 'idle';
  const label = `New layer ${target.at + 1} in ${target.hook}`;
  if (onAdd) {
    const reason = dragging ? blocked : (addBlocked ?? null);
    return (
      <div ref={setNodeRef} className={`ghost-zone ghost-final ghost-${state}`} data-drop-zone={label}>
        <button
          type="button"
          className="ghost-add"
          aria-label={`Add a script to ${target.hook} in a new layer`}
          aria-disabled={addBlocked ? true : undefined}
          onClick={() => !addBlocked && onAdd()}
        >
          {dragging && !blocked ? 'Drop here: new layer' : '+ Add a script (new layer)'}
        </button>
        {reason && <span className="limit-reason">{reason}</span>}
      </div>
    );
  }
  return (
    <div
      ref={setNodeRef}
      className={`ghost-zone ghost-${state}`}
      data-drop-zone={label}
      aria-hidden={dragging ? undefined : true}
    >
      {dragging && <span>{blocked ?? 'Drop here: new layer'}</span>}
    </div>
  );
}
