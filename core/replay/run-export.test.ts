import { describe, expect, it } from 'vitest';
import type { ReplayLine } from '../../shared/engine';
import { csvCell, runCsvFile } from './run-export';

describe('CSV export', () => {
  it('quotes per RFC 4180: commas, quotes and line breaks', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('')).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"');
  });

  it('neutralizes cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes one row per result with every column, CRLF line ends', () => {
    const line: ReplayLine = {
      id: '=evt',
      hook: 'signup.before',
      ok: false,
      allow: false,
      reason: 'r, "q"',
      code: '-CODE',
      error: { code: 'RUNTIME_ERROR', message: 'script:1: boom\nat line 1' },
      durationMs: 1.25,
      traceId: 'f'.repeat(32),
      mismatch: { summary: 'allow: recorded true, replayed false', differences: [] },
    };
    const file = runCsvFile({ id: 7 }, [{ position: 3, line }]);
    expect(file.fileName).toBe('replay-run-7.csv');
    expect(file.content).toBe(
      'position,eventId,hook,ok,decision,reason,code,errorCode,errorMessage,durationMs,mismatch,traceId\r\n' +
        `3,'=evt,signup.before,false,deny,"r, ""q""",'-CODE,RUNTIME_ERROR,"script:1: boom\nat line 1",1.25,` +
        `"allow: recorded true, replayed false",${'f'.repeat(32)}\r\n`,
    );
  });
});
