import { useDraggable } from '@dnd-kit/core';
import type { DragSource } from './layer-moves';

export type KeyboardMove = 'up' | 'down' | 'left' | 'right';

interface Props {
  source: Extract<DragSource, { kind: 'card' }>;
  layerSize: number;
  description?: string;
  onMove(source: DragSource, move: KeyboardMove): void;
  onOpen(scriptId: string): void;
  onDetach(source: DragSource): void;
}

const moves: Record<string, KeyboardMove> = {
  ArrowUp: 'up',
  ArrowDown: 'down',
  ArrowLeft: 'left',
  ArrowRight: 'right',
};

export function cardDomId(hook: string, scriptId: string): string {
  return `card-${hook}-${scriptId}`.replace(/\./g, '_');
}

/** One script in a layer: drag it with the pointer, or move it with Alt+arrows. */
export function ScriptCard({ source, layerSize, description, onMove, onOpen, onDetach }: Props) {
  const { setNodeRef, listeners, isDragging, transform } = useDraggable({
    id: `card:${source.hook}:${source.scriptId}`,
    data: source,
  });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  const onKeyDown = (event: React.KeyboardEvent) => {
    const move = moves[event.key];
    if (event.altKey && move) {
      event.preventDefault();
      onMove(source, move);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      onOpen(source.scriptId);
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      onDetach(source);
    }
  };
  return (
    <div className={`script-card${isDragging ? ' dragging' : ''}`} ref={setNodeRef} style={style}>
      <div
        id={cardDomId(source.hook, source.scriptId)}
        role="button"
        tabIndex={0}
        aria-roledescription="script card"
        aria-label={`${source.scriptId}, layer ${source.layer + 1}, ${source.index + 1} of ${layerSize}`}
        aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown Alt+ArrowLeft Alt+ArrowRight Enter Delete"
        className="script-card-body"
        title={description ?? 'Enter opens the editor; Alt+arrows move the card'}
        // dnd-kit's listeners first: the card's own keys must win over any keyboard sensor's.
        {...listeners}
        onKeyDown={onKeyDown}
        onDoubleClick={() => onOpen(source.scriptId)}
      >
        <span aria-hidden="true" className="drag-grip">
          ⠿
        </span>
        <code className="script-card-id">{source.scriptId}</code>
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label={`Open ${source.scriptId} in the editor`}
        title="Open in the editor"
        onClick={() => onOpen(source.scriptId)}
      >
        ✎
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Remove ${source.scriptId} from ${source.hook}`}
        title="Remove from this hook"
        onClick={() => onDetach(source)}
      >
        ×
      </button>
    </div>
  );
}
