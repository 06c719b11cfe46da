import { describe, expect, it } from 'vitest';
import { openDatabase } from '../database';
import { useTempDirs } from '../testing/temp-dirs';
import { isoTime, parseStoredJson, writeTransaction } from './context';

const tempDir = useTempDirs();

describe('query context helpers', () => {
  it('show epoch milliseconds as ISO-8601', () => {
    expect(isoTime(Date.UTC(2026, 10, 20, 10, 0, 0, 5))).toBe('2026-11-20T10:00:00.005Z');
  });

  it('report stored JSON that no longer parses as CORRUPT, naming the row', () => {
    expect(parseStoredJson<number[]>('[1,2]', 'x')).toEqual([1, 2]);
    expect(() => parseStoredJson('{oops', 'recorded event "e1"')).toThrow(
      expect.objectContaining({ code: 'CORRUPT', message: expect.stringContaining('recorded event "e1"') }),
    );
  });

  it('write in an IMMEDIATE transaction that nests as a savepoint', () => {
    const db = openDatabase(tempDir());
    db.exec('CREATE TABLE t (x INTEGER) STRICT');
    writeTransaction(db, () => {
      db.prepare('INSERT INTO t VALUES (1)').run();
      expect(() =>
        writeTransaction(db, () => {
          db.prepare('INSERT INTO t VALUES (2)').run();
          throw new Error('inner fails');
        }),
      ).toThrow('inner fails');
    });
    expect(db.prepare('SELECT x FROM t').all()).toEqual([{ x: 1 }]);
    db.close();
  });
});
