import { describe, expect, it } from 'vitest';
import { safeDownloadName } from './download-file';

describe('safeDownloadName', () => {
  it('keeps an ordinary name', () => {
    expect(safeDownloadName('replay-run-12.csv')).toBe('replay-run-12.csv');
  });

  it('keeps only the last path segment', () => {
    expect(safeDownloadName('../../etc/passwd')).toBe('passwd');
    expect(safeDownloadName('C:\\Users\\ada\\run.json')).toBe('run.json');
  });

  it('replaces control and reserved characters', () => {
    expect(safeDownloadName('run\u0000 <1>:2?.csv')).toBe('run_ _1__2_.csv');
  });

  it('trims leading dots and spaces, and falls back when nothing is left', () => {
    expect(safeDownloadName('  .hidden.csv ')).toBe('hidden.csv');
    expect(safeDownloadName('..')).toBe('download');
    expect(safeDownloadName('', 'run.json')).toBe('run.json');
  });
});
