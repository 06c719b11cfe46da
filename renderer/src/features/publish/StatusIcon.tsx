import { statusMark } from './publish-text';
import type { Gate, PublishStep } from './publish-text';

/** A gate's or a step's status: an icon for the eye, a word for everyone. */
export function StatusIcon({ status }: { status: Gate['status'] | PublishStep['status'] }) {
  const mark = statusMark(status);
  return (
    <span className={`publish-status publish-status-${mark.tone}`}>
      <span aria-hidden="true" className="publish-status-icon">
        {mark.icon}
      </span>
      <span className="publish-status-text">{mark.text}</span>
    </span>
  );
}
