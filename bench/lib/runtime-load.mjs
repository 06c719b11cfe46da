// Load on a reference runtime over HTTP, shared by the runtime benches: start a runtime process
// (dist/node/runtime.mjs) and wait for its start line, run its token command, and drive hook
// invocations from many keep-alive clients, either back to back (saturated) or at an offered rate
// (paced), counting what failed by kind.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { root } from './engine-internals.mjs';

export const runtimeEntry = path.join(root, 'dist', 'node', 'runtime.mjs');

/** `runtime.mjs <args>` to its end (e.g. `token create …`): its stdout parsed as JSON. */
export function runtimeCommand(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runtimeEntry, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${args.slice(0, 2).join(' ')} exited ${code}`)),
    );
  });
}

/** A runtime server on a free loopback port; `stop()` ends it with SIGTERM (a clean shutdown). */
export async function startRuntimeProcess(args, env) {
  const child = spawn(process.execPath, [runtimeEntry, '--port', '0', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const listening = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line).listening));
    child.once('exit', (code) => reject(new Error(`the runtime exited (${code}) before listening`)));
  });
  return {
    url: new URL(listening),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarize(samples, errors, elapsedMs) {
  const sorted = samples.sort((a, b) => a - b);
  return {
    requestsPerSecond: (samples.length * 1000) / elapsedMs,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    errors,
    requests: samples.length + errors,
  };
}

/**
 * `clients` keep-alive connections to one runtime with one bearer token. A target is
 * `{ path, bodies }`: the hook's URL path and JSON request bodies, sent in turn.
 */
export function createLoad({ url, token, clients }) {
  // FIFO: every connection is used in turn, so none sits idle long enough to race a server close.
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients, scheduling: 'fifo' });
  /** What went wrong, by kind (`HTTP 503`, `ECONNRESET`…), across the whole bench. */
  const errorKinds = {};

  /** One request with a JSON text body; `via` is another agent (its own connections), e.g. an attacker's. */
  function send(method, pathname, payload, headers, via = agent) {
    return new Promise((resolve) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path: pathname,
          agent: via,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode, text }));
        },
      );
      req.on('error', (error) => resolve({ status: 0, text: error.code ?? error.message }));
      req.end(payload);
    });
  }

  /** One request; `body` objects are sent as JSON. */
  function request(method, pathname, body, headers = {}) {
    return send(method, pathname, body === undefined ? undefined : JSON.stringify(body), headers);
  }

  async function invoke(target, i) {
    const started = performance.now();
    const { status, text } = await send('POST', target.path, target.bodies[i % target.bodies.length], {});
    const ms = performance.now() - started;
    if (status === 200) return { ok: true, ms };
    const kind = status === 0 ? text : `HTTP ${status}`;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    return { ok: false, ms };
  }

  /** Every client sends back to back for `ms`. */
  async function saturated(target, ms) {
    const samples = [];
    let errors = 0;
    let n = 0;
    const started = performance.now();
    const end = started + ms;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < end) {
          const result = await invoke(target, n++);
          if (result.ok) samples.push(result.ms);
          else errors++;
        }
      }),
    );
    return summarize(samples, errors, performance.now() - started);
  }

  /** The clients together offer `rate` requests/s for `ms`, each on its own evenly spaced schedule. */
  async function paced(target, rate, ms) {
    const samples = [];
    let errors = 0;
    let n = 0;
    const interval = (clients * 1000) / rate;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        let next = started + (c * interval) / clients;
        while (next < started + ms) {
          const wait = next - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          const result = await invoke(target, n++);
          if (result.ok) samples.push(result.ms);
          else errors++;
          next += interval;
        }
      }),
    );
    return summarize(samples, errors, performance.now() - started);
  }

  return { send, request, saturated, paced, errorKinds, close: () => agent.destroy() };
}
