// Runtime invocations over HTTP: `node bench/runtime-invoke.bench.mjs [--quick]`.
// The reference runtime (dist/node/runtime.mjs, default configuration: one engine worker per core,
// every invocation traced and captured) runs as a child process on a loopback port with the
// fixture pipeline (5 scripts in 3 layers on signup.before) published. This process is the client:
// 200 concurrent clients over keep-alive connections (node:http Agent), each POSTing
// /v1/hooks/<hook> with a bearer token and a fixture event.
//   baseline  the same server, the same auth, body parsing, event validation, trace and capture,
//             on a blocking hook with no layers (password-reset.before): everything but the pipeline
//   pipeline  signup.before through the 3-layer pipeline in the engine pool
// Two load shapes, the variants taking turns in each round:
//   saturated  every client sends its next request as soon as the last one is answered: requests/s
//              and latency at the server's capacity (latency there is mostly queueing: 200 / rps)
//   paced      the 200 clients together offer a fixed rate, 40% of the pipeline's saturated
//              throughput (arrivals spread evenly): the latency a request sees on a server that
//              keeps up (`keptUp`: served / offered, below ~0.95 the machine could not). "Added by the
//              pipeline" = pipeline p50/p99 - baseline p50/p99 at that rate; goal: p99 < 10 ms added
// and no errors (a non-2xx answer or a failed request) anywhere.
import { startFixtureRuntime } from './lib/fixture-runtime.mjs';
import { emit, log, median, quick, round } from './lib/measure.mjs';
import { events } from './lib/pipeline-fixture.mjs';

const clients = 200;
const rounds = quick ? 1 : 3;
const saturatedMs = quick ? 1500 : 4000;
const pacedMs = quick ? 2000 : 5000;
const warmupMs = quick ? 1000 : 3000;
/** The paced rate, as a share of the pipeline's saturated throughput (measured first). */
const pacedShare = 0.4;

const runtime = await startFixtureRuntime({ name: 'runtime-bench', scopes: ['publish', 'invoke'], clients });
const { url, load } = runtime;
const { request, errorKinds } = load;

// Request bodies built once: the fixture's events for the pipeline; for the baseline the same
// events on a hook without layers (its payload needs only request and user.email).
const fixture = events(1000).map((recorded) => recorded.event);
const bodies = {
  pipeline: { path: '/v1/hooks/signup.before', bodies: fixture.map((event) => JSON.stringify({ event })) },
  baseline: {
    path: '/v1/hooks/password-reset.before',
    bodies: fixture.map((event) =>
      JSON.stringify({ event: { request: event.request, user: { email: event.user.email } } }),
    ),
  },
};
const saturated = (variant, ms) => load.saturated(bodies[variant], ms);
const paced = (variant, rate, ms) => load.paced(bodies[variant], rate, ms);

try {
  log(`runtime on ${url.origin}; ${clients} clients; warming up`);
  for (const variant of ['baseline', 'pipeline']) await saturated(variant, warmupMs / 2);

  const runs = { saturated: { baseline: [], pipeline: [] }, paced: { baseline: [], pipeline: [] } };
  for (let r = 0; r < rounds; r++) {
    for (const variant of ['baseline', 'pipeline']) {
      const result = await saturated(variant, saturatedMs);
      runs.saturated[variant].push(result);
      log(
        `  round ${r + 1} saturated ${variant}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ${result.errors} errors`,
      );
    }
  }
  const capacity = median(runs.saturated.pipeline.map((r) => r.requestsPerSecond));
  const rate = Math.max(50, Math.round((capacity * pacedShare) / 50) * 50);
  for (let r = 0; r < rounds; r++) {
    for (const variant of ['baseline', 'pipeline']) {
      const result = await paced(variant, rate, pacedMs);
      runs.paced[variant].push(result);
      log(
        `  round ${r + 1} paced ${rate}/s ${variant}: p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ${result.errors} errors`,
      );
    }
  }

  const med = (list, key) => round(median(list.map((r) => r[key])));
  const figures = (list, offered) => ({
    requestsPerSecond: Math.round(median(list.map((r) => r.requestsPerSecond))),
    ...(offered ? { keptUp: round(median(list.map((r) => r.requestsPerSecond)) / offered) } : {}),
    p50Ms: med(list, 'p50Ms'),
    p99Ms: med(list, 'p99Ms'),
    errors: list.reduce((sum, r) => sum + r.errors, 0),
    requests: list.reduce((sum, r) => sum + r.requests, 0),
  });
  const result = {
    clients,
    layers: 3,
    scripts: 5,
    saturated: {
      baseline: figures(runs.saturated.baseline),
      pipeline: figures(runs.saturated.pipeline),
      ratioPipelineVsBaselineThroughput: round(
        median(runs.saturated.pipeline.map((r) => r.requestsPerSecond)) /
          median(runs.saturated.baseline.map((r) => r.requestsPerSecond)),
      ),
    },
    paced: {
      requestsPerSecond: rate,
      baseline: figures(runs.paced.baseline, rate),
      pipeline: figures(runs.paced.pipeline, rate),
    },
  };
  const added = {
    p50Ms: round(result.paced.pipeline.p50Ms - result.paced.baseline.p50Ms),
    p99Ms: round(result.paced.pipeline.p99Ms - result.paced.baseline.p99Ms),
  };
  result.paced.addedByPipeline = added;
  result.saturated.addedByPipeline = {
    p50Ms: round(result.saturated.pipeline.p50Ms - result.saturated.baseline.p50Ms),
    p99Ms: round(result.saturated.pipeline.p99Ms - result.saturated.baseline.p99Ms),
  };
  const errors = ['saturated', 'paced'].reduce(
    (sum, shape) => sum + result[shape].baseline.errors + result[shape].pipeline.errors,
    0,
  );
  const health = await request('GET', '/v1/health');
  emit('runtime-invoke', {
    ...result,
    goals: [
      {
        name: 'no errors',
        met: errors === 0,
        value: errors,
        target: 0,
        ...(errors ? { detail: JSON.stringify(errorKinds) } : {}),
      },
      {
        name: `p99 added by the pipeline at ${rate} req/s < 10 ms`,
        met: added.p99Ms < 10,
        value: added.p99Ms,
        target: '< 10 ms',
      },
      { name: 'runtime healthy after the load', met: health.status === 200, value: health.status, target: 200 },
    ],
  });
} finally {
  await runtime.close();
}
