import { describe, expect, it } from 'vitest';
import { dragAnnouncements, nextPlace, placeText } from './drag-keyboard';

const library = { id: 'library:risk-score', data: { current: { kind: 'library', scriptId: 'risk-score' } } };
const newLayer = {
  id: 'new-layer:signup.before:1',
  data: { current: { kind: 'new-layer', hook: 'signup.before', at: 1 } },
};
const layer = { id: 'layer:signup.before:0', data: { current: { kind: 'layer', hook: 'signup.before', layer: 0 } } };
// dnd-kit passes its own Active and Over; only their data matters here.
const args = (over: unknown) =>
  ({ active: library, over }) as unknown as Parameters<typeof dragAnnouncements.onDragOver>[0];

describe('drag announcements', () => {
  it('name the script and the place in the lane, never the internal ids', () => {
    expect(dragAnnouncements.onDragStart(args(null))).toBe('Picked up script risk-score.');
    expect(dragAnnouncements.onDragOver(args(newLayer))).toBe('script risk-score is over signup.before, new layer 2.');
    expect(dragAnnouncements.onDragOver(args(layer))).toBe('script risk-score is over signup.before, layer 1.');
    expect(dragAnnouncements.onDragOver(args(null))).toBe('script risk-score is not over a layer.');
    expect(dragAnnouncements.onDragEnd(args(newLayer))).toBe('Dropped script risk-score.');
    expect(dragAnnouncements.onDragEnd(args(null))).toBe(
      'Dropped script risk-score outside the lanes: nothing changed.',
    );
    expect(dragAnnouncements.onDragCancel(args(layer))).toBe('Put back script risk-score: nothing changed.');
    for (const text of [
      dragAnnouncements.onDragStart(args(null)),
      dragAnnouncements.onDragOver(args(newLayer)),
      dragAnnouncements.onDragEnd(args(layer)),
    ])
      expect(text).not.toMatch(/library:|new-layer:|layer:/);
  });

  it('count layers from 1, as the lane shows them', () => {
    expect(placeText({ kind: 'layer', hook: 'token.enrich', layer: 2 })).toBe('token.enrich, layer 3');
    expect(placeText({ kind: 'new-layer', hook: 'token.enrich', at: 0 })).toBe('token.enrich, new layer 1');
  });
});

describe('nextPlace', () => {
  // Two lanes: signup.before's zones above, token.enrich's below; the first given out of order.
  const places = [
    { id: 'layer:a:0', top: 120, left: 10 },
    { id: 'new-layer:a:0', top: 100, left: 10 },
    { id: 'new-layer:a:1', top: 160, left: 10 },
    { id: 'new-layer:b:0', top: 400, left: 10 },
  ];

  it('goes through the places in reading order and stops at the ends', () => {
    expect(nextPlace(places, null, 'ArrowDown')).toBe('new-layer:a:0');
    expect(nextPlace(places, null, 'ArrowUp')).toBe('new-layer:b:0');
    expect(nextPlace(places, 'new-layer:a:0', 'ArrowDown')).toBe('layer:a:0');
    expect(nextPlace(places, 'layer:a:0', 'ArrowRight')).toBe('new-layer:a:1');
    expect(nextPlace(places, 'new-layer:a:1', 'ArrowLeft')).toBe('layer:a:0');
    expect(nextPlace(places, 'new-layer:b:0', 'ArrowDown')).toBe('new-layer:b:0');
    expect(nextPlace(places, 'new-layer:a:0', 'ArrowUp')).toBe('new-layer:a:0');
  });

  it('ignores other keys and an empty lane set', () => {
    expect(nextPlace(places, 'layer:a:0', 'KeyA')).toBeNull();
    expect(nextPlace([], null, 'ArrowDown')).toBeNull();
  });
});
