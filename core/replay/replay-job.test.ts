import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { PushedEvent } from '../../shared/contract';
import {
  bundleFormat,
  type Bundle,
  type ReplayLine,
  type ReplaySummary,
  type SecretProvider,
} from '../../shared/engine';
import { createEnginePool, type EnginePool } from '../../shared/engine/node';
import { bundleHash } from '../../shared/engine/node/bundle-files';
import { EventBus } from '../events/event-bus';
import { Workspace } from '../store';
import { ReplayJob, type ReplayJobOptions } from './replay-job';
import { ReplayJobs } from './replay-jobs';
import { nothingStored, type EndedStatus, type ReplaySink } from './replay-sink';
import { denyMailinator, signupEvents } from './testing/replay-fixtures';

// The run loop and the orchestrator without the studio around them: a real pool, a real workspace
// (SQLite in a temporary folder), and sinks that fail on purpose where a real store cannot be made
// to fail on demand.

let pool: EnginePool | undefined;
const engine = () => (pool ??= createEnginePool({ workers: 1 }));
const folders: string[] = [];
afterAll(async () => {
  await pool?.close();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function bundleOf(source: string, secrets: string[] = []): Bundle {
  return {
    format: bundleFormat,
    name: 'test',
    scripts: { check: { file: 'scripts/check.lua', source } },
    hooks: { 'signup.before': { layers: [['check']] } },
    env: {},
    secrets,
  };
}

const noSecrets: SecretProvider = { get: async () => undefined };

/** Records what reached the sink; `failOn` makes one of its calls throw as a full disk would. */
function recordingSink(failOn?: 'addResults' | 'finish') {
  const stored: ReplayLine[] = [];
  const ends: { status: EndedStatus; summary: ReplaySummary; message: string | undefined }[] = [];
  const sink: ReplaySink = {
    ...nothingStored,
    addResults: (first, lines) => {
      if (failOn === 'addResults') throw new Error('database or disk is full');
      expect(first).toBe(stored.length);
      stored.push(...lines);
    },
    finish: (status, summary, message) => {
      if (failOn === 'finish') throw new Error('attempt to write a readonly database');
      ends.push({ status, summary, message });
    },
  };
  return { sink, stored, ends };
}

function job(sink: ReplaySink, count: number, watch: Pick<ReplayJobOptions, 'onLine' | 'onProgress'> = {}) {
  const bundle = bundleOf(denyMailinator());
  return new ReplayJob({
    runId: 7,
    bundle,
    bundleHash: bundleHash(bundle),
    events: signupEvents(count),
    engine,
    secrets: () => noSecrets,
    sink,
    ...watch,
  });
}

describe('ReplayJob', { timeout: 60_000 }, () => {
  it('stores every line in input order and ends done, reporting each batch and the end', async () => {
    const { sink, stored, ends } = recordingSink();
    const reported: string[] = [];
    const end = await job(sink, 30, {
      onProgress: (progress) => reported.push(`${progress.status}:${progress.done}`),
    }).finished;
    expect(end).toMatchObject({ runId: 7, status: 'done', total: 30, done: 30, denied: 10, allowed: 20, etaMs: null });
    expect(stored.map((line) => line.id)).toEqual(signupEvents(30).map((event) => event.id));
    expect(ends).toEqual([
      { status: 'done', summary: expect.objectContaining({ events: 30, denied: 10 }), message: undefined },
    ]);
    expect(reported.at(-1)).toBe('done:30');
    expect(reported.slice(0, -1).every((entry) => entry.startsWith('running:'))).toBe(true);
  });

  it('ends failed with the store’s message when a results batch cannot be written', async () => {
    const { sink, ends } = recordingSink('addResults');
    const end = await job(sink, 400).finished;
    expect(end.status).toBe('failed');
    expect(end.message).toBe('The replay stopped: database or disk is full');
    expect(end.etaMs).toBeNull();
    expect(ends).toEqual([
      { status: 'failed', summary: expect.any(Object), message: 'The replay stopped: database or disk is full' },
    ]);
  });

  it('ends failed when its end cannot be written, rather than claiming it was stored', async () => {
    const { sink } = recordingSink('finish');
    const end = await job(sink, 3).finished;
    expect(end).toMatchObject({
      status: 'failed',
      done: 3,
      message: 'The replay ended done but its end could not be stored: attempt to write a readonly database',
    });
  });

  it('cancelled: stops starting events, keeps every finished one', async () => {
    const { sink, stored, ends } = recordingSink();
    let firstLine!: () => void;
    const first = new Promise<void>((resolve) => (firstLine = resolve));
    const running = job(sink, 2000, { onLine: () => firstLine() });
    await first;
    const end = await running.cancel();
    expect(end.status).toBe('cancelled');
    expect(end.done).toBeGreaterThan(0);
    expect(end.done).toBeLessThan(2000);
    expect(stored).toHaveLength(end.done);
    expect(ends[0]).toMatchObject({ status: 'cancelled', summary: { events: end.done } });
  });
});

describe('ReplayJobs with an explicit bundle', { timeout: 60_000 }, () => {
  let workspace: Workspace | undefined;
  afterEach(() => {
    workspace?.close();
    workspace = undefined;
  });

  function open(): Workspace {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'replay-job-'));
    folders.push(dir);
    workspace = Workspace.open({ dir });
    workspace.events.import(signupEvents(6), { pinned: true });
    return workspace;
  }

  it('replays the given bundle with the environment’s secrets, pushes progress and resolves finished', async () => {
    const ws = open();
    const bundle = bundleOf(
      'local tier = helpers.secret("TIER")\nreturn { allow = false, reason = (tier == "production-value") and "production" or "other" }\n',
      ['TIER'],
    );
    const asked: string[] = [];
    const bus = new EventBus({ onError: (name, error) => asked.push(`error ${name}: ${String(error)}`) });
    const pushed: PushedEvent[] = [];
    bus.subscribe((event) => pushed.push(event));
    const jobs = new ReplayJobs({
      workspace: () => ws,
      engine,
      secretsFor: (environment) => {
        asked.push(environment);
        return { get: async (name) => (name === 'TIER' ? `${environment}-value` : undefined) };
      },
      events: bus,
    });

    const run = jobs.start({
      selection: { kind: 'pinned' },
      label: 'publish to production',
      environment: 'production',
      bundle,
    });
    expect(run).toMatchObject({
      status: 'running',
      total: 6,
      label: 'publish to production',
      environment: 'production',
    });
    expect(run.bundleHash).toBe(bundleHash(bundle));
    expect(run.bundleHash).not.toBe(bundleHash(ws.exportBundle()));

    const end = await jobs.finished(run.id);
    expect(end).toMatchObject({ runId: run.id, status: 'done', done: 6, denied: 6, mismatches: 6 });
    expect(asked).toEqual(['production']);
    const reasons = ws.replays.results(run.id).map((result) => result.line.reason);
    expect(reasons).toEqual(Array(6).fill('production'));
    expect(ws.replays.get(run.id)).toMatchObject({ status: 'done', summary: { events: 6, denied: 6 } });

    // Pushed progress: each stored batch while running, then the end, as `replay.progress` answers it.
    expect(pushed.every((event) => event.name === 'replay.progress')).toBe(true);
    expect(pushed.at(-1)?.payload).toEqual(end);
    expect(pushed.slice(0, -1).every((event) => (event.payload as { status?: string }).status === 'running')).toBe(
      true,
    );
    expect(jobs.progress(run.id)).toEqual(end);
    expect(await jobs.finished(run.id)).toEqual(end);
  });

  it('refuses a bundle that cannot be planned with PIPELINE_INVALID before any run row exists', () => {
    const ws = open();
    const jobs = new ReplayJobs({ workspace: () => ws, engine, secretsFor: () => noSecrets, events: new EventBus() });
    const broken: Bundle = { ...bundleOf('return true'), hooks: { 'signup.before': { layers: [['ghost']] } } };
    expect(() => jobs.start({ selection: { kind: 'pinned' }, bundle: broken })).toThrow(
      expect.objectContaining({ code: 'PIPELINE_INVALID', message: expect.stringContaining('ghost') }),
    );
    expect(ws.replays.list()).toEqual([]);
  });
});
