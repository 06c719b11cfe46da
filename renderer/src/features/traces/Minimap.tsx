import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { formatDuration } from './time';
import { panWindow, zoomWindow, type TimeWindow, type WaterfallRow } from './waterfall-layout';

interface Props {
  rows: WaterfallRow[];
  durationMs: number;
  /** The time shown by the waterfall (fractions of the trace). */
  window: TimeWindow;
  onWindowChange(next: TimeWindow): void;
  /** The rows in view, as fractions of all rows: [top, top + height]. */
  view: { top: number; height: number };
  /** Scrolls the waterfall so that its view starts at `top` (a fraction of all rows). */
  onScrollTo(top: number): void;
  /** Id of the waterfall's scroller, which this control scrolls. */
  controls: string;
}

const height = 64;

function cssColor(element: Element, name: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}

type Drag =
  | { mode: 'move'; startX: number; startY: number; window: TimeWindow; top: number }
  | { mode: 'press'; startX: number; startY: number }
  | { mode: 'select'; startX: number; x: number };

/**
 * An overview of every span of a long trace (x: time, y: rows) with the waterfall's view drawn as a
 * rectangle: drag it to move, click elsewhere to jump there, drag across empty space to zoom to that
 * time range. Arrow keys move the view, + and − zoom, 0 shows the whole trace.
 */
export function Minimap({ rows, durationMs, window, onWindowChange, view, onScrollTo, controls }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [scheme, setScheme] = useState(0);

  // Colours come from the theme's variables; a light/dark switch repaints.
  useEffect(() => {
    const media = matchMedia('(prefers-color-scheme: dark)');
    const repaint = () => setScheme((n) => n + 1);
    media.addEventListener('change', repaint);
    return () => media.removeEventListener('change', repaint);
  }, []);

  useEffect(() => {
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (!element || !context) return;
    const draw = () => {
      const ratio = devicePixelRatio || 1;
      const width = element.clientWidth || 600;
      element.width = Math.round(width * ratio);
      element.height = Math.round(height * ratio);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, width, height);
      const colours = {
        hook: cssColor(element, '--span-hook', '#3b5bdb'),
        layer: cssColor(element, '--span-layer', '#8a94a6'),
        script: cssColor(element, '--span-script', '#175cd3'),
        fetch: cssColor(element, '--span-fetch', '#0e9384'),
        error: cssColor(element, '--danger', '#b42318'),
      };
      const rowHeight = height / Math.max(1, rows.length);
      const barHeight = Math.max(1, Math.min(6, rowHeight - (rowHeight > 3 ? 1 : 0)));
      rows.forEach((row, index) => {
        const failed = row.node.span.status.code === 'ERROR';
        context.fillStyle = failed ? colours.error : colours[row.node.span.kind];
        context.fillRect(row.left * width, index * rowHeight, Math.max(1, row.width * width), barHeight);
      });
    };
    draw();
    const observer = new ResizeObserver(draw);
    observer.observe(element);
    return () => observer.disconnect();
  }, [rows, scheme]);

  const point = (event: PointerEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return {
      x: Math.min(1, Math.max(0, (event.clientX - box.left) / Math.max(1, box.width))),
      y: Math.min(1, Math.max(0, (event.clientY - box.top) / Math.max(1, box.height))),
    };
  };
  const inside = (x: number, y: number) =>
    x >= window.from && x <= window.to && y >= view.top && y <= view.top + view.height;

  const centreOn = (x: number, y: number) => {
    onScrollTo(Math.max(0, y - view.height / 2));
    onWindowChange(panWindow(window, x - (window.from + window.to) / 2));
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    const { x, y } = point(event);
    setDrag(
      inside(x, y)
        ? { mode: 'move', startX: x, startY: y, window, top: view.top }
        : { mode: 'press', startX: x, startY: y },
    );
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!drag) return;
    const { x, y } = point(event);
    if (drag.mode === 'move') {
      onScrollTo(Math.max(0, drag.top + (y - drag.startY)));
      onWindowChange(panWindow(drag.window, x - drag.startX));
    } else if (drag.mode === 'press' && Math.abs(x - drag.startX) > 0.01) {
      setDrag({ mode: 'select', startX: drag.startX, x });
    } else if (drag.mode === 'select') {
      setDrag({ ...drag, x });
    }
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (!drag) return;
    const { x, y } = point(event);
    if (drag.mode === 'press') centreOn(x, y);
    if (drag.mode === 'select') {
      const from = Math.min(drag.startX, x);
      const to = Math.max(drag.startX, x);
      if (to - from > 0.002) onWindowChange({ from, to });
    }
    setDrag(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = (window.to - window.from) / 5;
    const actions: Record<string, () => void> = {
      ArrowUp: () => onScrollTo(Math.max(0, view.top - view.height / 2)),
      ArrowDown: () => onScrollTo(Math.min(1 - view.height, view.top + view.height / 2)),
      PageUp: () => onScrollTo(Math.max(0, view.top - view.height)),
      PageDown: () => onScrollTo(Math.min(1 - view.height, view.top + view.height)),
      ArrowLeft: () => onWindowChange(panWindow(window, -step)),
      ArrowRight: () => onWindowChange(panWindow(window, step)),
      '+': () => onWindowChange(zoomWindow(window, 0.5)),
      '=': () => onWindowChange(zoomWindow(window, 0.5)),
      '-': () => onWindowChange(zoomWindow(window, 2)),
      '0': () => onWindowChange({ from: 0, to: 1 }),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };

  const firstRow = Math.floor(view.top * rows.length) + 1;
  const lastRow = Math.min(rows.length, Math.ceil((view.top + view.height) * rows.length));
  const selection = drag?.mode === 'select' ? drag : null;
  return (
    <div
      className="minimap"
      role="scrollbar"
      aria-label="Trace overview"
      aria-controls={controls}
      aria-orientation="vertical"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(view.top * 100)}
      aria-valuetext={`Spans ${firstRow}–${lastRow} of ${rows.length}, ${formatDuration(
        window.from * durationMs,
      )} to ${formatDuration(window.to * durationMs)}`}
      title="Drag the frame to move, click to jump, drag across to zoom to a time range; arrows move, + and − zoom, 0 resets"
      tabIndex={0}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => setDrag(null)}
    >
      <canvas ref={canvas} style={{ height }} aria-hidden="true" />
      <div
        className="minimap-window"
        aria-hidden="true"
        style={{
          left: `${window.from * 100}%`,
          width: `${(window.to - window.from) * 100}%`,
          top: `${view.top * 100}%`,
          height: `max(4px, ${Math.min(1, view.height) * 100}%)`,
        }}
      />
      {selection && (
        <div
          className="minimap-selection"
          aria-hidden="true"
          style={{
            left: `${Math.min(selection.startX, selection.x) * 100}%`,
            width: `${Math.abs(selection.x - selection.startX) * 100}%`,
          }}
        />
      )}
    </div>
  );
}
