import { useState } from 'react';
import { hookIds, type HookId } from '@shared/hooks/definitions';
import { errorMessage } from '../../app/studio-error';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useSaveEvent } from '../events/use-events';
import {
  decisionItems,
  edgeCaseRows,
  failureTitle,
  reportHeadline,
  type GenerateReport,
  type GeneratedFailure,
} from './generate-report-text';
import { useGenerateEvents } from './use-generate-events';
import './generate-panel.css';

interface Props {
  scriptId: string;
  /** The hook the editor runs the script at; the panel starts with it. */
  hook: HookId;
  /** The draft as it is now: a run takes it when started. */
  source: string;
  onClose(): void;
}

const maxCount = 1000;

/**
 * "Generate events": the draft on events generated from its hook's schema (docs/hooks.md,
 * "Generated events"), with crashes, invalid results, limit hits and decisions, and each failing
 * event ready to save into the event library.
 */
export function GeneratePanel({ scriptId, hook: initialHook, source, onClose }: Props) {
  const [hook, setHook] = useState<HookId>(initialHook);
  const [count, setCount] = useState('200');
  const [seed, setSeed] = useState('');
  const generate = useGenerateEvents();
  const countValue = Number(count);
  const countOk = Number.isInteger(countValue) && countValue >= 1 && countValue <= maxCount;
  const seedOk = seed === '' || /^\d{1,10}$/.test(seed);

  return (
    <section className="generate-panel" aria-label={`Generated events for ${scriptId}`}>
      <div className="diff-header">
        <h4>
          Generated events for <code>{scriptId}</code>
        </h4>
        <button type="button" onClick={onClose}>
          Back to the editor
        </button>
      </div>
      <form
        className="generate-form"
        aria-label="Generate events"
        onSubmit={(event) => {
          event.preventDefault();
          if (!countOk || !seedOk) return;
          generate.mutate({ source, hook, count: countValue, ...(seed === '' ? {} : { seed: Number(seed) }) });
        }}
      >
        <label>
          Hook
          <select value={hook} onChange={(event) => setHook(event.target.value as HookId)}>
            {hookIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label>
          Events
          <input
            type="number"
            min={1}
            max={maxCount}
            value={count}
            aria-invalid={!countOk}
            onChange={(event) => setCount(event.target.value)}
          />
        </label>
        <label>
          Seed
          <input
            inputMode="numeric"
            placeholder="random"
            value={seed}
            aria-invalid={!seedOk}
            aria-describedby="generate-seed-hint"
            onChange={(event) => setSeed(event.target.value.trim())}
          />
        </label>
        <button type="submit" className="primary" disabled={!countOk || !seedOk || generate.isPending}>
          {generate.isPending ? 'Running…' : 'Generate and run'}
        </button>
        <span id="generate-seed-hint" className="muted">
          The same seed gives the same events.
        </span>
      </form>
      {!countOk && <p role="alert">Events: a whole number from 1 to {maxCount}.</p>}
      {!seedOk && <p role="alert">Seed: a whole number, or empty for a random one.</p>}
      <p role="status">{generate.isPending ? `Running the draft on ${count} generated events…` : ''}</p>
      <ErrorMessage message={generate.error ? `The run did not finish: ${errorMessage(generate.error)}` : null} />
      {generate.data && <GenerateResult report={generate.data} />}
    </section>
  );
}

function GenerateResult({ report }: { report: GenerateReport }) {
  const edges = edgeCaseRows(report);
  return (
    <div className="generate-result">
      <h5>{reportHeadline(report)}</h5>
      <ul aria-label="Decisions" className="generate-decisions">
        {decisionItems(report).map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
      {edges.length > 0 && (
        <table className="generate-edges">
          <caption>Edge cases exercised</caption>
          <thead>
            <tr>
              <th scope="col">Edge case</th>
              <th scope="col">Events</th>
              <th scope="col">Failed</th>
            </tr>
          </thead>
          <tbody>
            {edges.map((row) => (
              <tr key={row.tag}>
                <th scope="row">{row.tag}</th>
                <td>{row.events}</td>
                <td>{row.failures}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.failed.length > 0 && (
        <>
          <h5 id="generate-failures">
            Failing events
            {report.failedOmitted > 0 ? ` (the first ${report.failed.length}; ${report.failedOmitted} more)` : ''}
          </h5>
          <ul aria-labelledby="generate-failures" className="generate-failures">
            {report.failed.map((failure) => (
              <FailureItem key={failure.recorded.id} failure={failure} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function FailureItem({ failure }: { failure: GeneratedFailure }) {
  const save = useSaveEvent();
  const title = failureTitle(failure);
  return (
    <li className="generate-failure">
      <div className="generate-failure-head">
        <strong>{title}</strong>
        <button
          type="button"
          aria-label={
            save.isSuccess
              ? `Event #${failure.index} saved to the library`
              : `Save event #${failure.index} to the library`
          }
          disabled={save.isPending || save.isSuccess}
          onClick={() => save.mutate({ record: failure.recorded, create: true })}
        >
          {save.isSuccess ? 'Saved' : save.isPending ? 'Saving…' : 'Save to library'}
        </button>
      </div>
      <p className="generate-message">{failure.error.message}</p>
      <p className="muted">
        {failure.edgeCases.length > 0 ? `Edge cases: ${failure.edgeCases.join(', ')}` : 'Typical values'}
        {save.isSuccess ? ` · saved as ${failure.recorded.id}` : ''}
      </p>
      <ErrorMessage message={save.error ? `Not saved: ${errorMessage(save.error)}` : null} />
    </li>
  );
}
