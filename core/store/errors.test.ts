import { describe, expect, it } from 'vitest';
import { guarded, StoreError, toStoreError, translateError } from './errors';

const file = '/data/Pipeline Studio/workspace.db';
const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('toStoreError', () => {
  it.each([
    ['SQLITE_READONLY', 'attempt to write a readonly database', 'READ_ONLY'],
    ['SQLITE_READONLY_DIRECTORY', 'attempt to write a readonly database', 'READ_ONLY'],
    ['EROFS', 'read-only file system', 'READ_ONLY'],
    ['EACCES', 'permission denied', 'READ_ONLY'],
    ['SQLITE_FULL', 'database or disk is full', 'DISK_FULL'],
    ['ENOSPC', 'no space left on device', 'DISK_FULL'],
    ['SQLITE_IOERR_WRITE', 'disk I/O error (ENOSPC)', 'DISK_FULL'],
    ['SQLITE_NOTADB', 'file is not a database', 'CORRUPT'],
    ['SQLITE_CORRUPT', 'database disk image is malformed', 'CORRUPT'],
    ['SQLITE_BUSY', 'database is locked', 'BUSY'],
    ['SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed', 'CONFLICT'],
    ['SQLITE_IOERR_READ', 'disk I/O error', 'IO'],
  ])('%s becomes %s, naming the file', (code, message, expected) => {
    const error = toStoreError(sqliteError(code, message), file);
    expect(error).toBeInstanceOf(StoreError);
    expect(error.code).toBe(expected);
    expect(error.path).toBe(file);
    // A conflict is about the data, not the file: its message names the rule instead.
    if (expected !== 'CONFLICT') expect(error.message).toContain(file);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('says what to do next', () => {
    expect(toStoreError(sqliteError('SQLITE_FULL', 'full'), file).message).toMatch(/Free some space/);
    expect(toStoreError(sqliteError('EACCES', 'denied'), file).message).toMatch(/write access|--data/);
    expect(toStoreError(sqliteError('SQLITE_NOTADB', 'x'), file).message).toMatch(/left untouched/);
  });

  it('passes StoreErrors through and recognises a closed connection', () => {
    const original = new StoreError('NOT_FOUND', 'no such script');
    expect(toStoreError(original, file)).toBe(original);
    expect(toStoreError(new TypeError('The database connection is not open'), file).code).toBe('CLOSED');
  });
});

describe('translateError', () => {
  it('translates platform failures and passes every other error on untouched', () => {
    expect(translateError(sqliteError('SQLITE_FULL', 'full'), file)).toMatchObject({ code: 'DISK_FULL' });
    expect(translateError(sqliteError('ENOSPC', 'full'), file)).toMatchObject({ code: 'DISK_FULL' });
    const own = new Error('changed my mind');
    expect(translateError(own, file)).toBe(own);
    const programming = new RangeError('BigInt out of range');
    expect(translateError(programming, file)).toBe(programming);
  });
});

describe('guarded', () => {
  it('wraps every method so that failures are StoreErrors and results pass through', () => {
    const repository = {
      ok: (n: number) => n * 2,
      fail: (): number => {
        throw sqliteError('SQLITE_FULL', 'database or disk is full');
      },
    };
    const wrapped = guarded(repository, file);
    expect(wrapped.ok(21)).toBe(42);
    expect(() => wrapped.fail()).toThrow(expect.objectContaining({ code: 'DISK_FULL', path: file }));
  });
});
