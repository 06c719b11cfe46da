import type { TraceStatus } from './types';

type SpanCode = 'OK' | 'ERROR' | 'UNSET';

const traceLook: Record<TraceStatus, { icon: string; text: string }> = {
  ok: { icon: '✓', text: 'ok' },
  denied: { icon: '⊘', text: 'denied' },
  error: { icon: '✕', text: 'error' },
};

const spanLook: Record<SpanCode, { icon: string; text: string; tone: TraceStatus }> = {
  OK: { icon: '✓', text: 'OK', tone: 'ok' },
  UNSET: { icon: '–', text: 'unset', tone: 'ok' },
  ERROR: { icon: '✕', text: 'ERROR', tone: 'error' },
};

/** A trace's status with an icon and a word, never colour alone. */
export function StatusBadge({ status }: { status: TraceStatus }) {
  const look = traceLook[status];
  return (
    <span className={`trace-status trace-status-${status}`} data-status={status}>
      <span aria-hidden="true">{look.icon}</span> {look.text}
    </span>
  );
}

/** A span's OTLP status code, the same way. */
export function SpanStatusBadge({ code }: { code: SpanCode }) {
  const look = spanLook[code];
  return (
    <span className={`trace-status trace-status-${look.tone}`} data-status={code}>
      <span aria-hidden="true">{look.icon}</span> {look.text}
    </span>
  );
}
