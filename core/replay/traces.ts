import { ContractError } from '../../shared/contract';
import { toOtlpJson } from '../../shared/engine';
import type { Handlers } from '../router';
import type { Workspace } from '../store';
import { version } from '../version';
import { traceSummaryView } from './views';

// The stored traces (traces.*): the timeline's list (any page of up to 100,000 traces, counted),
// one trace with its spans, and traces exported as OTLP JSON for Jaeger and other OpenTelemetry
// tools (compact: a machine format; one resource, one scope, as toOtlpJson builds it).

type TraceHandlers = Pick<Handlers, 'traces.list' | 'traces.get' | 'traces.export'>;

export interface TraceHandlersDeps {
  workspace(): Pick<Workspace, 'traces'>;
}

export function traceHandlers(services: TraceHandlersDeps, now: () => number = Date.now): TraceHandlers {
  return {
    'traces.list': ({ offset, limit, ...filter }) => {
      const traces = services.workspace().traces;
      return { traces: traces.list({ ...filter, offset, limit }).map(traceSummaryView), total: traces.count(filter) };
    },

    'traces.get': ({ traceId }) => {
      const traces = services.workspace().traces;
      const summary = traces.summary(traceId);
      const trace = summary && traces.get(traceId);
      if (!summary || !trace) throw new ContractError('NOT_FOUND', `There is no trace ${traceId}.`);
      return { summary: traceSummaryView(summary), spans: trace.spans };
    },

    'traces.export': ({ traceIds }) => {
      const traces = services.workspace().traces;
      const unique = [...new Set(traceIds)];
      const found = unique.map((id) => traces.get(id));
      const missing = unique.filter((_, i) => found[i] === undefined);
      if (missing.length > 0) {
        const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
        throw new ContractError('NOT_FOUND', `There is no trace ${missing.slice(0, 5).join(', ')}${more}.`);
      }
      const otlp = toOtlpJson(
        found.filter((trace) => trace !== undefined),
        { serviceVersion: version },
      );
      const date = new Date(now()).toISOString().slice(0, 10);
      return { fileName: `traces-${date}.otlp.json`, mimeType: 'application/json', content: JSON.stringify(otlp) };
    },
  };
}
