import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ContractError } from '../shared/contract';
import { createHandlers } from './handlers';
import { createRouter, type Handlers } from './router';

// A folder of its own, so that no call here can ever touch the user's real workspace.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-router-'));
const core = createHandlers({ host: 'web', dataDir });
const handlers = core.handlers;
afterAll(async () => {
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('router', () => {
  it('answers a known channel with ok and a validated value', async () => {
    const router = createRouter(handlers);
    const result = await router.dispatch('hooks.list', {});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const value = result.value as { hooks: { id: string }[]; groups: unknown[] };
    expect(value.hooks).toHaveLength(16);
    expect(value.groups).toHaveLength(7);
  });

  it('refuses an unknown channel and an invalid input without calling a handler', async () => {
    const spy = vi.fn(handlers['app.info']);
    const router = createRouter({ ...handlers, 'app.info': spy });
    expect(await router.dispatch('fs.readFile', { path: '/etc/passwd' })).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'unknown channel "fs.readFile"' },
    });
    const extra = await router.dispatch('app.info', { sneaky: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await router.dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(spy).not.toHaveBeenCalled();
  });

  it('hides unexpected errors behind INTERNAL and reports them', async () => {
    const onInternalError = vi.fn();
    const broken: Handlers = {
      ...handlers,
      'app.info': () => {
        throw new Error('secret detail');
      },
    };
    const result = await createRouter(broken, { onInternalError }).dispatch('app.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('secret detail');
    expect(onInternalError).toHaveBeenCalledOnce();
  });

  it('passes a declared ContractError through and turns an undeclared one into INTERNAL', async () => {
    const throwing: Handlers = {
      ...handlers,
      'app.info': () => {
        throw new ContractError('NOT_DECLARED', 'nope');
      },
    };
    const result = await createRouter(throwing, { onInternalError: () => {} }).dispatch('app.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it("passes the common codes a handler may give (UNAVAILABLE, INVALID_INPUT), never a handler's INTERNAL", async () => {
    const answering = (code: string): Handlers => ({
      ...handlers,
      'app.info': () => {
        throw new ContractError(code, `detail of ${code}`);
      },
    });
    const dispatch = (code: string) =>
      createRouter(answering(code), { onInternalError: () => {} }).dispatch('app.info', {});
    expect(await dispatch('UNAVAILABLE')).toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'detail of UNAVAILABLE' },
    });
    expect(await dispatch('INVALID_INPUT')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const internal = await dispatch('INTERNAL');
    expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(internal)).not.toContain('detail of');
  });

  it('validates what a handler returns', async () => {
    const wrong = { ...handlers, 'app.info': () => ({ name: 42 }) } as unknown as Handlers;
    const result = await createRouter(wrong, { onInternalError: () => {} }).dispatch('app.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
