import { describe, expect, it } from 'vitest';
import { decisionItems, edgeCaseRows, failureTitle, reportHeadline, type GenerateReport } from './generate-report-text';

const zero = { events: 0, failures: 0 };
const report: GenerateReport = {
  hook: 'signup.before',
  seed: 7,
  events: 200,
  failures: 14,
  crashes: 10,
  invalidResults: 1,
  limits: { TIMEOUT: 2 },
  errors: { RUNTIME_ERROR: 10, INVALID_RESULT: 1, TIMEOUT: 2, SECRET_NOT_FOUND: 1 },
  decisions: { allow: 170, deny: 16, data: 0, recorded: 0, error: 14 },
  denyReasons: { 'long name': 16 },
  edgeCases: {
    'optional-missing': { events: 80, failures: 10 },
    'empty-string': { events: 30, failures: 0 },
    'huge-string': zero,
    'combining-marks': zero,
    rtl: { events: 20, failures: 2 },
    emoji: zero,
    nul: zero,
    'number-bounds': zero,
    'extra-fields': zero,
    'deep-nesting': zero,
    'empty-collection': zero,
  },
  failed: [],
  failedOmitted: 0,
};

describe('generate report text', () => {
  it('sums up the failures by kind, others included', () => {
    expect(reportHeadline(report)).toBe(
      '200 events of signup.before (seed 7): 14 failures (10 crashes, 1 invalid result, 2 limit hits, 1 other failure)',
    );
    expect(reportHeadline({ ...report, failures: 0, crashes: 0, invalidResults: 0, limits: {} })).toBe(
      '200 events of signup.before (seed 7): no failure',
    );
  });

  it('lists the decisions with deny reasons, leaving zeros out', () => {
    expect(decisionItems(report)).toEqual(['allow: 170', 'deny: 16 (long name 16)', 'error: 14']);
  });

  it('lists exercised edge cases, most failing first', () => {
    expect(edgeCaseRows(report)).toEqual([
      { tag: 'optional-missing', events: 80, failures: 10 },
      { tag: 'rtl', events: 20, failures: 2 },
      { tag: 'empty-string', events: 30, failures: 0 },
    ]);
  });

  it('names a failure by its event and error', () => {
    const failure = {
      index: 3,
      kind: 'crash' as const,
      error: { code: 'RUNTIME_ERROR', message: 'boom', line: 2 },
      edgeCases: [],
      recorded: { id: 'x', hook: 'signup.before' as const, event: {} },
    };
    expect(failureTitle(failure)).toBe('Event #3: RUNTIME_ERROR (line 2)');
  });
});
