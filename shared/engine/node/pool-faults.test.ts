import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HookId, HookMode } from '../../hooks/definitions';
import type { Faults } from '../faults';
import { defaultLimits, maxTimeoutMs } from '../limits';
import type { ExecutionPlan, OnError, ScriptUnit, SecretProvider } from '../types';
import { createEnginePool, type EnginePool } from './pool';
import { sampleEvent } from './sandbox/testing';
import { writeSelfSignedCertificate } from './testing/self-signed-certificate';

// Fault injection with the real pool and worker (docs/engine.md, "Fault injection"): each fault
// gives what a user would get from the real failure, per hook mode and onError; faulted fetches and
// secrets never reach the network or the provider. A local HTTPS server counts connections, and an
// unfaulted run reaching it proves a faulted one could have. Nothing waits on the clock: a
// `timeout` fault ends at the script's own (short) deadline because nothing ever answers.

const testTimeout = 120_000;
let engines: EnginePool;
let server: Server;
let connections = 0;
let origin = '';

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pool-faults-'));
  let cert: string;
  let key: string;
  try {
    const files = writeSelfSignedCertificate(dir, { commonName: '127.0.0.1', altNames: ['IP:127.0.0.1'] });
    cert = readFileSync(files.certFile, 'utf8');
    key = readFileSync(files.keyFile, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  server = createServer({ cert, key }, (_req, res) => res.end('{"fine":true}'));
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  engines = createEnginePool({
    workers: 1,
    stallMs: 3_600_000,
    startMs: 3_600_000,
    fetch: { ca: cert, unsafeAllowAddressesForTests: ['127.0.0.1'] },
  });
});
afterAll(async () => {
  await engines?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const hookOf: Record<HookMode, HookId> = {
  blocking: 'signup.before',
  enrichment: 'signup.enrich',
  async: 'signup.after',
};
const unit = (id: string, source: string, extra: Partial<ScriptUnit> = {}): ScriptUnit => ({
  id,
  source,
  contentHash: `${id}:${source}`,
  ...extra,
});
function plan(mode: HookMode, layers: ScriptUnit[][], extra: Partial<ExecutionPlan> = {}): ExecutionPlan {
  return {
    key: `faults:${hookOf[mode]}:${JSON.stringify(layers)}`,
    hook: hookOf[mode],
    mode,
    layers,
    env: {},
    secretNames: ['TOKEN', 'OTHER'],
    limits: { ...defaultLimits, timeoutMs: maxTimeoutMs },
    ...extra,
  };
}
function recordingSecrets() {
  const asked: string[] = [];
  const provider: SecretProvider = {
    async get(name) {
      asked.push(name);
      return `value-of-${name}`;
    },
  };
  return { provider, asked };
}
const fetchScript = (id: string, extra: Partial<ScriptUnit> = {}) =>
  unit(id, `local r = helpers.fetch("${origin}/check") return { allow = r.status == 200, status = r.status }`, extra);

describe('script faults', { timeout: testTimeout }, () => {
  const failing = (fault: 'timeout' | 'error', onError: OnError) =>
    unit('gate', 'helpers.log("info", "ran") return { allow = true }', { onError });

  test.each([
    ['timeout', 'deny', 'TIMEOUT', false],
    ['timeout', 'allow', 'TIMEOUT', true],
    ['error', 'deny', 'RUNTIME_ERROR', false],
    ['error', 'allow', 'RUNTIME_ERROR', true],
  ] as const)(
    'blocking: %s with onError %s is %s and the decision follows onError',
    async (fault, onError, code, allow) => {
      const faults: Faults = { scripts: { gate: fault } };
      const { result } = await engines.runPipeline(plan('blocking', [[failing(fault, onError)]]), sampleEvent, {
        faults,
      });
      expect(result).toMatchObject({ ok: false, allow, error: { code, scriptId: 'gate' } });
      // Settled without running: nothing it would have logged, no instruction executed.
      expect(result.scripts[0]).toMatchObject({ scriptId: 'gate', ok: false, logs: [], instructions: 0 });
    },
  );

  test('a job without faults runs the same script as always', async () => {
    const { result } = await engines.runPipeline(plan('blocking', [[failing('error', 'deny')]]), sampleEvent);
    expect(result).toMatchObject({ ok: true, allow: true });
    expect(result.scripts[0]?.logs).toEqual([expect.objectContaining({ message: 'ran' })]);
  });

  test('enrichment: a faulted script adds nothing and the others still merge', async () => {
    const layers = [[unit('geo', 'return { country = "FR" }'), unit('risk', 'return { risk = 1 }')]];
    const { result } = await engines.runPipeline(plan('enrichment', layers), sampleEvent, {
      faults: { scripts: { risk: 'timeout' } },
    });
    expect(result).toMatchObject({ ok: false, data: { country: 'FR' }, error: { code: 'TIMEOUT', scriptId: 'risk' } });
    expect(result.data).not.toHaveProperty('risk');
  });

  test('async: the faulted script is recorded as failed, the rest runs', async () => {
    const layers = [[unit('audit', 'return "logged"'), unit('notify', 'return "sent"')]];
    const { result } = await engines.runPipeline(plan('async', layers), sampleEvent, {
      faults: { scripts: { notify: 'error' } },
    });
    expect(result).toMatchObject({ ok: false, results: { audit: 'logged' }, error: { code: 'RUNTIME_ERROR' } });
  });

  test('ids the plan does not have change nothing', async () => {
    const { result } = await engines.runPipeline(plan('blocking', [[unit('a', 'return true')]]), sampleEvent, {
      faults: { scripts: { elsewhere: 'error' } },
    });
    expect(result).toMatchObject({ ok: true, allow: true });
  });
});

describe('secret faults', { timeout: testTimeout }, () => {
  test('a faulted secret reads as missing and is never looked up; the others still are', async () => {
    const secrets = recordingSecrets();
    const source = `local ok = pcall(helpers.secret, "TOKEN")
      return { allow = not ok, other = helpers.secret("OTHER") == "value-of-OTHER" }`;
    const { result } = await engines.runPipeline(plan('blocking', [[unit('reader', source)]]), sampleEvent, {
      secrets: secrets.provider,
      faults: { secrets: ['TOKEN'] },
    });
    expect(result).toMatchObject({ ok: true, allow: true, results: { reader: { allow: true, other: true } } });
    expect(secrets.asked).toEqual(['OTHER']);
  });

  test.each([
    ['deny', false],
    ['allow', true],
  ] as const)('uncaught, it fails the script with SECRET_NOT_FOUND and onError %s decides', async (onError, allow) => {
    const secrets = recordingSecrets();
    const reader = unit('reader', 'return { allow = helpers.secret("TOKEN") ~= nil }', { onError });
    const { result } = await engines.runPipeline(plan('blocking', [[reader]]), sampleEvent, {
      secrets: secrets.provider,
      faults: { secrets: ['TOKEN'] },
    });
    expect(result).toMatchObject({ ok: false, allow, error: { code: 'SECRET_NOT_FOUND' } });
    expect(result.error?.message).toContain('has no stored value');
    expect(secrets.asked).toEqual([]);
  });
});

describe('fetch faults', { timeout: testTimeout }, () => {
  test('without a fault the request reaches the server (so the faulted runs below could have)', async () => {
    const before = connections;
    const { result } = await engines.runPipeline(plan('blocking', [[fetchScript('call')]]), sampleEvent);
    expect(result).toMatchObject({ ok: true, allow: true, results: { call: { status: 200 } } });
    expect(connections).toBeGreaterThan(before);
  });

  test.each([
    ['deny', false],
    ['allow', true],
  ] as const)(
    'error: FETCH_FAILED as an unreachable host, no connection, onError %s decides',
    async (onError, allow) => {
      const before = connections;
      const { result } = await engines.runPipeline(
        plan('blocking', [[fetchScript('call', { onError })]]),
        sampleEvent,
        {
          faults: { fetch: [{ fault: 'error' }] },
        },
      );
      expect(result).toMatchObject({ ok: false, allow, error: { code: 'FETCH_FAILED', scriptId: 'call' } });
      expect(result.scripts[0]?.fetches[0]?.error?.code).toBe('FETCH_FAILED');
      expect(connections).toBe(before);
    },
  );

  test('a status: the script gets that status and an empty body, without a connection', async () => {
    const before = connections;
    const source = `local r = helpers.fetch("${origin}/check") return { allow = r.status < 500, status = r.status, body = r.body }`;
    const { result } = await engines.runPipeline(plan('blocking', [[unit('call', source)]]), sampleEvent, {
      faults: { fetch: [{ fault: { status: 503 } }] },
    });
    expect(result).toMatchObject({ ok: true, allow: false, results: { call: { status: 503, body: '' } } });
    expect(result.scripts[0]?.fetches[0]?.status).toBe(503);
    expect(connections).toBe(before);
  });

  test("timeout: nothing answers, the script's own deadline makes it TIMEOUT even under pcall", async () => {
    const before = connections;
    const source = `local ok, r = pcall(helpers.fetch, "${origin}/check") return { allow = true }`;
    const call = unit('call', source, { timeoutMs: 150, onError: 'deny' });
    const { result } = await engines.runPipeline(plan('blocking', [[call]]), sampleEvent, {
      faults: { fetch: [{ fault: 'timeout' }] },
    });
    expect(result).toMatchObject({ ok: false, allow: false, error: { code: 'TIMEOUT', scriptId: 'call' } });
    expect(connections).toBe(before);
  });

  test('a fault for another host leaves this one alone; one for this host wins over a general one', async () => {
    const elsewhere = await engines.runPipeline(plan('blocking', [[fetchScript('call')]]), sampleEvent, {
      faults: { fetch: [{ fault: 'error', host: 'api.example.com' }] },
    });
    expect(elsewhere.result).toMatchObject({ ok: true, allow: true });
    const specific = await engines.runPipeline(plan('blocking', [[fetchScript('call')]]), sampleEvent, {
      faults: {
        fetch: [
          { fault: 'error', host: 'api.example.com' },
          { fault: { status: 502 }, host: '127.0.0.1' },
          { fault: 'error' },
        ],
      },
    });
    expect(specific.result).toMatchObject({ ok: true, allow: false, results: { call: { status: 502 } } });
  });

  test('faults that do not match the schema are refused before the run', async () => {
    const bad = { fetch: [{ fault: { status: 42 } }] } as Faults;
    await expect(
      engines.runPipeline(plan('blocking', [[unit('a', 'return true')]]), sampleEvent, { faults: bad }),
    ).rejects.toMatchObject({ refused: true, message: expect.stringContaining('invalid faults') });
  });
});

describe('any combination of faults', { timeout: testTimeout }, () => {
  test('a faulted run never throws and always ends with an outcome the mode allows', async () => {
    const fetchFault = fc.constantFrom<Faults['fetch']>(
      undefined,
      [{ fault: 'error' }],
      [{ fault: 'timeout' }],
      [{ fault: { status: 500 } }],
      [{ fault: 'error', host: 'api.example.com' }],
    );
    const scriptFault = fc.option(fc.constantFrom('timeout' as const, 'error' as const), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<HookMode>('blocking', 'enrichment', 'async'),
        fc.constantFrom<OnError>('deny', 'allow'),
        fetchFault,
        fc.boolean(),
        fc.record({ call: scriptFault, reader: scriptFault, plain: scriptFault }),
        async (mode, onError, fetch, secretMissing, scripts) => {
          const named = Object.fromEntries(Object.entries(scripts).filter(([, fault]) => fault !== undefined));
          const faults: Faults = {
            ...(fetch ? { fetch } : {}),
            ...(secretMissing ? { secrets: ['TOKEN'] } : {}),
            ...(Object.keys(named).length > 0 ? { scripts: named as Faults['scripts'] } : {}),
          };
          const value = mode === 'blocking' ? '{ allow = true }' : '{ seen = true }';
          const layers = [
            [
              unit('call', `helpers.fetch("${origin}/check") return ${value}`, { onError, timeoutMs: 150 }),
              unit('reader', `helpers.secret("TOKEN") return ${value}`, { onError }),
            ],
            [unit('plain', `return ${value}`, { onError })],
          ];
          const { result } = await engines.runPipeline(plan(mode, layers), sampleEvent, {
            secrets: recordingSecrets().provider,
            faults,
          });
          expect(result.mode).toBe(mode);
          if (mode === 'blocking') expect(typeof result.allow).toBe('boolean');
          const failed = result.scripts.some((script) => !script.ok);
          expect(result.ok).toBe(!failed);
          if (failed) expect(result.error?.code).toBeDefined();
          if (mode === 'blocking' && onError === 'allow') expect(result.allow).toBe(true);
          if (mode === 'blocking' && onError === 'deny') expect(result.allow).toBe(!failed);
        },
      ),
      { numRuns: 40 },
    );
  });
});
