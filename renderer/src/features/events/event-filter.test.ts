import { describe, expect, it } from 'vitest';
import { describeFilter, emptyFilterForm, toEventFilter, utcInputToIso } from './event-filter';

describe('event filter', () => {
  it('leaves out what is empty', () => {
    expect(toEventFilter(emptyFilterForm)).toEqual({ filter: {}, problems: [] });
    expect(toEventFilter({ ...emptyFilterForm, source: '  ', text: ' ' }).filter).toEqual({});
  });

  it('keeps the fields typed, trimmed', () => {
    const { filter } = toEventFilter({
      ...emptyFilterForm,
      hook: 'signup.before',
      source: ' staging ',
      tag: 'smoke',
      pinnedOnly: true,
      text: ' mailinator ',
    });
    expect(filter).toEqual({
      hook: 'signup.before',
      source: 'staging',
      tag: 'smoke',
      pinned: true,
      text: 'mailinator',
    });
  });

  it('reads the time range as UTC', () => {
    expect(utcInputToIso('2026-11-20T10:00')).toBe('2026-11-20T10:00:00.000Z');
    expect(utcInputToIso('2026-11-20T10:00:30')).toBe('2026-11-20T10:00:30.000Z');
    expect(utcInputToIso('tomorrow')).toBeNull();
    const { filter, problems } = toEventFilter({
      ...emptyFilterForm,
      from: '2026-11-20T10:00',
      to: '2026-11-21T00:00',
    });
    expect(filter).toEqual({ from: '2026-11-20T10:00:00.000Z', to: '2026-11-21T00:00:00.000Z' });
    expect(problems).toEqual([]);
  });

  it('reports what cannot be used', () => {
    expect(toEventFilter({ ...emptyFilterForm, from: 'soon' }).problems).toEqual(['“From” is not a date and time.']);
    expect(toEventFilter({ ...emptyFilterForm, from: '2026-11-21T00:00', to: '2026-11-20T00:00' }).problems).toEqual([
      '“From” must be before “To”.',
    ]);
  });

  it('describes a filter in one line', () => {
    expect(describeFilter({})).toBe('all events');
    expect(describeFilter({ hook: 'signup.before', tag: 'smoke', pinned: true, text: 'ada' })).toBe(
      'hook signup.before · tag smoke · pinned · “ada”',
    );
  });
});
