import type { Trace } from '../../shared/engine';

/** A one-span trace whose script.result holds the secret value `hunter2-secret`, for capture tests. */
export const sampleTrace = (id: string): Trace => ({
  traceId: id,
  hook: 'signup.before',
  spans: [
    {
      traceId: id,
      spanId: 's',
      name: 'hook signup.before',
      kind: 'hook',
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000001000000',
      status: { code: 'OK' },
      attributes: { 'script.result': '{"k":"hunter2-secret"}' },
      events: [],
    },
  ],
});
