import { compareWithRecorded, outcomeText, type RunRecorded, type RunResult } from './run-outcome';

/** The recorded outcome beside the draft's decision, and whether they agree. */
export function RecordedOutcome({ recorded, run }: { recorded: RunRecorded; run: RunResult }) {
  const compared = compareWithRecorded(run, recorded.outcome);
  const agrees = compared ? compared.mismatch === null : null;
  return (
    <p
      className="recorded-outcome"
      data-testid="run-recorded-outcome"
      data-agrees={agrees === null ? undefined : String(agrees)}
    >
      Recorded: {outcomeText(recorded.outcome)}
      {compared && (
        <span className={compared.mismatch ? 'recorded-differs' : 'recorded-agrees'}>
          {compared.mismatch ? ` · the draft differs (${compared.mismatch.summary})` : ' · the draft agrees'}
        </span>
      )}
      <span className="muted"> ({recorded.id})</span>
    </p>
  );
}
