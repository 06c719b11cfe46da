// A follower of a runtime's live tail (GET /v1/tail, docs/live-tail.md) for the benches: it reads
// every frame as it arrives, as a real follower must (a follower that stops reading is sampled
// down, then cut), and counts what it was sent.
import http from 'node:http';
import { createSseReader } from './sse-reader.mjs';

/**
 * Follows `url`'s GET /v1/tail with the default budget until `close()`. `seen.delivered` counts the
 * `invocation` frames that parse as an invocation of `hook` with a trace id, `seen.malformed` any
 * other; `seen.rates` lists the rates the `sampling` frames announced, `seen.dropped` the last
 * `dropped`. Resolves null when the runtime has no tail (404).
 */
export function openTail(url, token, hook) {
  return new Promise((resolve, reject) => {
    const seen = { delivered: 0, malformed: 0, rates: [], dropped: 0 };
    const reader = createSseReader(({ event, data }) => {
      if (event === 'sampling') {
        const sampling = JSON.parse(data);
        seen.rates.push(sampling.rate);
        seen.dropped = sampling.dropped;
      } else if (event === 'invocation') {
        let invocation;
        try {
          invocation = JSON.parse(data);
        } catch {
          invocation = undefined;
        }
        if (invocation?.hook === hook && typeof invocation.traceId === 'string') seen.delivered++;
        else seen.malformed++;
      }
    });
    const req = http.get(
      { host: url.hostname, port: url.port, path: '/v1/tail', headers: { authorization: `Bearer ${token}` } },
      (res) => {
        if (res.statusCode === 404) {
          res.resume();
          resolve(null);
          return;
        }
        if (res.statusCode !== 200) {
          reject(new Error(`GET /v1/tail answered ${res.statusCode}`));
          return;
        }
        res.setEncoding('utf8').on('data', (chunk) => reader.push(chunk));
        resolve({ seen, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
  });
}
