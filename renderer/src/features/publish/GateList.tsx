import type { Gate } from './publish-text';
import { StatusIcon } from './StatusIcon';

/** The gates a publish must pass, as far as they can be known before publishing. */
export function GateList({ gates }: { gates: Gate[] }) {
  return (
    <section className="publish-section" aria-labelledby="publish-gates-title">
      <h4 id="publish-gates-title">Gates</h4>
      <ul className="publish-gates">
        {gates.map((gate) => (
          <li key={gate.id} aria-label={`${gate.label}: ${gate.status}`} data-gate={gate.id} data-status={gate.status}>
            <StatusIcon status={gate.status} />
            <strong>{gate.label}</strong>
            <span className="muted">{gate.detail}</span>
            {gate.missing && gate.missing.length > 0 && (
              <span className="publish-missing">
                Missing on the runtime:{' '}
                {gate.missing.map((name) => (
                  <code key={name}>{name}</code>
                ))}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
