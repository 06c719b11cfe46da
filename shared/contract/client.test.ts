import { describe, expect, it } from 'vitest';
import { channelNames } from './channels';
import { createClient, type Transport } from './client';

describe('createClient', () => {
  it('has exactly one named method per channel and no generic invoke', () => {
    const client = createClient(async () => ({ ok: true, value: null }));
    const methods = Object.entries(client).flatMap(([namespace, group]) =>
      Object.keys(group as object).map((method) => `${namespace}.${method}`),
    );
    expect(methods.sort()).toEqual([...channelNames].sort());
    expect(Object.keys(client)).not.toContain('invoke');
  });

  it('sends each method on its own fixed channel', async () => {
    const calls: [string, unknown][] = [];
    const transport: Transport = async (channel, input) => {
      calls.push([channel, input]);
      return { ok: true, value: channel };
    };
    const client = createClient(transport);
    await expect(client.hooks.list()).resolves.toEqual({ ok: true, value: 'hooks.list' });
    await client.app.info({});
    expect(calls).toEqual([
      ['hooks.list', {}],
      ['app.info', {}],
    ]);
  });
});
