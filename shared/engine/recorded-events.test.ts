import { describe, expect, it } from 'vitest';
import { parseRecordedEvents, readEventInput } from './recorded-events';

const good = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    hook: 'signup.before',
    at: '2026-11-20T10:00:00.000Z',
    event: {
      request: { ip: '203.0.113.7' },
      user: { email: 'a@example.com' },
      provider: 'email',
      custom: { kept: true },
    },
    outcome: { allow: false, reason: 'disposable email' },
    source: 'staging',
    ...extra,
  });

describe('parseRecordedEvents: NDJSON', () => {
  it('keeps good lines and reports each bad one with its line number and reason', () => {
    const text = [
      good('evt_1'), // 1
      '{"id": "evt_2", "hook": ', // 2 bad JSON
      '', // 3 blank
      JSON.stringify({ hook: 'signup.before', event: { request: { ip: '1.2.3.4' } } }), // 4 missing id
      JSON.stringify({ id: 'evt_5', hook: 'signup.sometimes', event: {} }), // 5 unknown hook
      JSON.stringify({ id: 'evt_6', hook: 'signup.before', event: { request: { ip: '1.2.3.4' }, provider: 'email' } }), // 6 no user.email
      JSON.stringify({ id: 'evt_7', hook: 'signup.before' }), // 7 missing event
      good('evt_1'), // 8 duplicate
      '[1, 2]', // 9 not an object
      good('evt_10', {
        hook: 'token.enrich',
        event: { request: { ip: '1.1.1.1' }, user: { email: 'x@y.z' }, token: { type: 'access' }, claims: {} },
      }), // 10
      good('evt_1'), // 11 duplicate
    ].join('\r\n');
    const parsed = parseRecordedEvents(text);
    expect(parsed.events.map((e) => e.id)).toEqual(['evt_1', 'evt_10']);
    expect(parsed.duplicates).toBe(2);
    expect(parsed.duplicateLines).toEqual([8, 11]);
    expect(parsed.problems.map((p) => p.line)).toEqual([2, 4, 5, 6, 7, 9]);
    const message = (line: number) => parsed.problems.find((p) => p.line === line)?.message;
    expect(message(2)).toMatch(/^bad JSON/);
    expect(message(4)).toBe('missing id');
    expect(message(5)).toBe('unknown hook "signup.sometimes"');
    expect(message(6)).toMatch(/INVALID_EVENT.*user/);
    expect(message(7)).toBe('missing event');
    expect(message(9)).toBe('not a JSON object');
  });

  it('keeps every field of a good event, unknown payload fields included', () => {
    const [event] = parseRecordedEvents(good('evt_1')).events;
    expect(event).toEqual({
      id: 'evt_1',
      hook: 'signup.before',
      at: '2026-11-20T10:00:00.000Z',
      event: {
        request: { ip: '203.0.113.7' },
        user: { email: 'a@example.com' },
        provider: 'email',
        custom: { kept: true },
      },
      outcome: { allow: false, reason: 'disposable email' },
      source: 'staging',
    });
  });

  it('counts ids the caller already has as duplicates', () => {
    const parsed = parseRecordedEvents(`${good('a')}\n${good('b')}\n`, { knownIds: new Set(['a']) });
    expect(parsed.events.map((e) => e.id)).toEqual(['b']);
    expect(parsed.duplicates).toBe(1);
  });
});

describe('parseRecordedEvents: JSON array', () => {
  it('reads elements across lines and reports a bad element at the line where it starts', () => {
    const text = [
      '[', // 1
      `  ${good('evt_1')},`, // 2
      '  {', // 3
      '    "id": "evt_2",', // 4
      '    "hook": "signup.before",', // 5
      '    "event": { "request": { "ip": "1.2.3.4", "note": "a } and a ] in a string" }, "user": { "email": "b@c.d" }, "provider": "x" }', // 6
      '  },', // 7
      '  { "id": "evt_3", "hook": oops },', // 8
      `  ${good('evt_2')},`, // 9 duplicate of evt_2
      `  { "id": "evt_4" },`, // 10
      '  ,', // 11 hole
      `  ${good('evt_5')},`, // 12 trailing comma tolerated
      ']',
    ].join('\n');
    const parsed = parseRecordedEvents(text);
    expect(parsed.events.map((e) => e.id)).toEqual(['evt_1', 'evt_2', 'evt_5']);
    expect(parsed.problems.map((p) => [p.line, p.message.split(':')[0]])).toEqual([
      [8, 'bad JSON'],
      [10, 'missing hook; missing event'],
      [11, 'empty array element'],
    ]);
    expect(parsed.duplicateLines).toEqual([9]);
  });

  it('keeps what it could read from an array that is not closed', () => {
    const parsed = parseRecordedEvents(`[\n${good('a')},\n${good('b')}\n`);
    expect(parsed.events.map((e) => e.id)).toEqual(['a', 'b']);
    expect(parsed.problems).toEqual([{ line: 4, message: 'the JSON array is not closed with "]"' }]);
    expect(parseRecordedEvents('[]')).toEqual({ events: [], problems: [], duplicates: 0, duplicateLines: [] });
  });
});

describe('readEventInput', () => {
  const payload = { request: { ip: '203.0.113.7' }, user: { email: 'a@example.com' }, provider: 'email' };

  it('takes a bare payload', () => {
    expect(readEventInput(payload, 'signup.before')).toEqual({ ok: true, event: payload });
  });

  it('takes a recorded-event envelope, keeping its id and outcome', () => {
    const envelope = { id: 'evt_1', hook: 'signup.before', event: payload, outcome: { allow: true } };
    expect(readEventInput(envelope, 'signup.before')).toEqual({
      ok: true,
      event: payload,
      recorded: { id: 'evt_1', outcome: { allow: true } },
    });
  });

  it('refuses an envelope of another hook and a payload that fails the schema, naming the field', () => {
    expect(readEventInput({ id: 'e', hook: 'token.enrich', event: payload }, 'signup.before')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_EVENT', message: expect.stringContaining('"token.enrich"') },
    });
    const result = readEventInput({ request: { ip: '1.2.3.4' }, provider: 'email' }, 'signup.before');
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_EVENT', message: expect.stringContaining('user') },
    });
    expect(readEventInput([payload], 'signup.before')).toMatchObject({ ok: false });
  });
});

describe('event data bounds', () => {
  const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const line = (id: string, extra: string) =>
    `{"id":"${id}","hook":"signup.before","event":{"request":{"ip":"203.0.113.1"},"user":{"email":"a@b.co"},"provider":"email"${extra}}}`;

  it('reports an event nested 20,000 levels deep on its line, and keeps the others', () => {
    const parsed = parseRecordedEvents(
      [line('ok', ''), line('deep', `,"m":${deep(20_000)}`), line('ok2', '')].join('\n'),
    );
    expect(parsed.events.map((event) => event.id)).toEqual(['ok', 'ok2']);
    expect(parsed.problems).toEqual([
      { line: 2, message: 'INVALID_EVENT: the event cannot be run: it is nested deeper than 32 levels' },
    ]);
  });

  it('reports an outcome nested too deep', () => {
    const text = line('o', '').slice(0, -1) + `,"outcome":${deep(20_000)}}`;
    expect(parseRecordedEvents(text).problems[0]?.message).toMatch(/^the outcome cannot be kept: it is nested deeper/);
  });

  it('refuses a too deep event given to run', () => {
    const payload = JSON.parse(`{"request":{"ip":"1.2.3.4"},"user":{"email":"a@b.co"},"m":${deep(40)}}`) as unknown;
    expect(readEventInput(payload, 'signup.before')).toEqual({
      ok: false,
      error: {
        code: 'INVALID_EVENT',
        message: 'INVALID_EVENT: the event cannot be run: it is nested deeper than 32 levels',
      },
    });
  });
});
