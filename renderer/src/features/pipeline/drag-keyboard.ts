import {
  KeyboardSensor,
  rectIntersection,
  type Announcements,
  type Collision,
  type CollisionDetection,
  type KeyboardCoordinateGetter,
  type ScreenReaderInstructions,
} from '@dnd-kit/core';
import type { DragSource, DropTarget } from './layer-moves';

// The keyboard side of dragging a script of the library onto a lane, and what a screen reader
// hears meanwhile. dnd-kit's own announcements name the internal ids ("library:risk-score …
// new-layer:signup.before:1"); these name the script and the place in the lane's words.

/** "signup.before, layer 2" or "signup.before, new layer 2" (1-based, as the lane shows them). */
export function placeText(target: DropTarget): string {
  return target.kind === 'layer'
    ? `${target.hook}, layer ${target.layer + 1}`
    : `${target.hook}, new layer ${target.at + 1}`;
}

function what(source: DragSource | undefined): string {
  return source ? `script ${source.scriptId}` : 'the script';
}

type Data = { data: { current?: unknown } } | null;
const sourceOf = (active: Data) => active?.data.current as DragSource | undefined;
const targetOf = (over: Data) => over?.data.current as DropTarget | undefined;

export const dragAnnouncements: Announcements = {
  onDragStart: ({ active }) => `Picked up ${what(sourceOf(active))}.`,
  onDragOver: ({ active, over }) => {
    const target = targetOf(over);
    return target
      ? `${what(sourceOf(active))} is over ${placeText(target)}.`
      : `${what(sourceOf(active))} is not over a layer.`;
  },
  // Not the place: by the time this is read the drop has re-rendered the lane, and the zone dropped
  // on may already stand for another place (the last "new layer" moves down). The pipeline's own
  // announcer then says where the script went (PipelineView.tsx).
  onDragEnd: ({ active, over }) =>
    targetOf(over)
      ? `Dropped ${what(sourceOf(active))}.`
      : `Dropped ${what(sourceOf(active))} outside the lanes: nothing changed.`,
  onDragCancel: ({ active }) => `Put back ${what(sourceOf(active))}: nothing changed.`,
};

export const dragInstructions: ScreenReaderInstructions = {
  draggable:
    'To attach this script, open a hook first. Press Space or Enter to pick it up, the arrow keys to go ' +
    'from one layer or new layer to the next, Space or Enter to drop it there, Escape to put it back.',
};

export interface Place {
  id: string | number;
  top: number;
  left: number;
}

/**
 * The drop place an arrow goes to from `current` (null: none yet): places in reading order (lanes
 * top to bottom, then left to right), Down/Right the next, Up/Left the previous, stopping at the ends.
 */
export function nextPlace(places: Place[], current: Place['id'] | null, key: string): Place['id'] | null {
  const forward = key === 'ArrowDown' || key === 'ArrowRight';
  if (!forward && key !== 'ArrowUp' && key !== 'ArrowLeft') return null;
  const ordered = [...places].sort((a, b) => a.top - b.top || a.left - b.left);
  if (ordered.length === 0) return null;
  const at = current === null ? -1 : ordered.findIndex((place) => place.id === current);
  if (at < 0) return (forward ? ordered[0] : ordered[ordered.length - 1])!.id;
  return ordered[Math.min(ordered.length - 1, Math.max(0, at + (forward ? 1 : -1)))]!.id;
}

/** Arrows move the picked-up script from one enabled drop place to the next, centred on it. */
export const placeCoordinates: KeyboardCoordinateGetter = (event, { context }) => {
  const { droppableContainers, droppableRects, collisionRect, over } = context;
  const places: Place[] = [];
  for (const container of droppableContainers.getEnabled()) {
    const rect = droppableRects.get(container.id);
    if (rect) places.push({ id: container.id, top: rect.top, left: rect.left });
  }
  const id = nextPlace(places, over?.id ?? null, event.code);
  const rect = id === null ? undefined : droppableRects.get(id);
  if (!rect || !collisionRect) return undefined;
  event.preventDefault();
  return {
    x: rect.left + rect.width / 2 - collisionRect.width / 2,
    y: rect.top + rect.height / 2 - collisionRect.height / 2,
  };
};

/**
 * The keyboard's collision: the drop place under the centre of the picked-up script, if any. At
 * pick-up that centre is still in the library, so no place is chosen until the first arrow.
 */
export const centreWithin: CollisionDetection = ({ collisionRect, droppableContainers, droppableRects }) => {
  const x = collisionRect.left + collisionRect.width / 2;
  const y = collisionRect.top + collisionRect.height / 2;
  const collisions: Collision[] = [];
  for (const container of droppableContainers) {
    const rect = droppableRects.get(container.id);
    if (rect && x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom)
      collisions.push({ id: container.id, data: { droppableContainer: container, value: 0 } });
  }
  return collisions;
};

/** The pointer keeps dnd-kit's rectangle intersection; the keyboard (no pointer) uses the centre. */
export const collision: CollisionDetection = (args) =>
  args.pointerCoordinates ? rectIntersection(args) : centreWithin(args);

/** dnd-kit's keyboard sensor for the library's scripts only: a card has its own keys (Alt+arrows). */
export class LibraryKeyboardSensor extends KeyboardSensor {
  static override activators: typeof KeyboardSensor.activators = [
    {
      eventName: 'onKeyDown',
      handler: (event, options, context) =>
        (context.active.data.current as DragSource | undefined)?.kind === 'library' &&
        KeyboardSensor.activators[0]!.handler(event, options, context),
    },
  ];
}
