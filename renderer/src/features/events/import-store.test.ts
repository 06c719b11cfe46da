import { describe, expect, it } from 'vitest';
import { ImportStore, type FileLike } from './import-store';

const file = (name: string, text: string): FileLike => ({ name, size: text.length, text: async () => text });

describe('ImportStore', () => {
  it('imports each file, reports each, and counts the finished import', async () => {
    const sent: string[] = [];
    const store = new ImportStore(async (text, fileName) => {
      sent.push(fileName);
      if (fileName === 'bad.json')
        return { ok: false, error: { code: 'STORE_UNAVAILABLE', message: 'The store is closed.' } };
      return { ok: true, value: { imported: text.split('\n').length, duplicates: 0, problems: [], problemCount: 0 } };
    });
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.getState().files.length));
    const done = store.importFiles([file('a.ndjson', '{}\n{}'), file('bad.json', '[]'), file('empty.ndjson', '')]);
    expect(store.busy).toBe(true);
    await done;
    expect(store.busy).toBe(false);
    expect(sent).toEqual(['a.ndjson', 'bad.json']); // the empty file is refused before sending
    expect(store.getState()).toEqual({
      finished: 1,
      files: [
        { fileName: 'a.ndjson', status: 'done', result: { imported: 2, duplicates: 0, problems: [], problemCount: 0 } },
        { fileName: 'bad.json', status: 'failed', message: 'The store is closed.' },
        { fileName: 'empty.ndjson', status: 'failed', message: 'empty.ndjson is empty.' },
      ],
    });
    expect(seen.length).toBeGreaterThan(2);
    store.dismiss();
    expect(store.getState()).toEqual({ files: [], finished: 1 });
  });

  it('reports a file that cannot be read', async () => {
    const store = new ImportStore(async () => {
      throw new Error('not called');
    });
    await store.importFiles([{ name: 'gone.ndjson', size: 3, text: () => Promise.reject(new Error('gone')) }]);
    expect(store.getState().files).toEqual([
      { fileName: 'gone.ndjson', status: 'failed', message: 'gone.ndjson could not be read.' },
    ]);
  });

  it("names each file by an importId and shows the core's progress for the file being imported", async () => {
    const ids = ['imp-1', 'imp-2'];
    const sentIds: string[] = [];
    let finish: (() => void) | null = null;
    const store = new ImportStore(
      (_text, _fileName, importId) => {
        sentIds.push(importId);
        return new Promise((resolve) => {
          finish = () => resolve({ ok: true, value: { imported: 1, duplicates: 0, problems: [], problemCount: 0 } });
        });
      },
      () => ids.shift()!,
    );
    const event = (importId: string, read: number) => ({
      importId,
      status: 'running' as const,
      read,
      total: 10,
      imported: read,
      duplicates: 0,
      problems: 0,
    });
    const done = store.importFiles([file('a.ndjson', '{}'), file('b.ndjson', '{}')]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(sentIds).toEqual(['imp-1']);
    store.progress(event('imp-1', 4));
    store.progress(event('someone-else', 9)); // another page's import
    store.progress(event('imp-2', 9)); // not started yet
    expect(store.getState().files).toEqual([
      { fileName: 'a.ndjson', status: 'importing', importId: 'imp-1', progress: { read: 4, total: 10 } },
      { fileName: 'b.ndjson', status: 'importing' },
    ]);
    finish!();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(sentIds).toEqual(['imp-1', 'imp-2']);
    store.progress(event('imp-1', 10)); // late: that file is done
    expect(store.getState().files[0]).toMatchObject({ status: 'done' });
    finish!();
    await done;
    expect(store.getState().files.map((entry) => entry.status)).toEqual(['done', 'done']);
  });
});
