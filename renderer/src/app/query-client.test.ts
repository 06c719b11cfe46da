import { describe, expect, it } from 'vitest';
import { createStudioQueryClient, retryDelay, shouldRetry } from './query-client';
import { StudioError, errorCode, errorMessage, unwrap, valueOf } from './studio-error';

describe('studio errors', () => {
  it('unwraps a value and throws the contract error with its code and message', async () => {
    expect(unwrap({ ok: true, value: 3 })).toBe(3);
    const failed = { ok: false as const, error: { code: 'NOT_FOUND', message: 'Run #4 is not stored.' } };
    expect(() => unwrap(failed)).toThrow(StudioError);
    const thrown = await valueOf(Promise.resolve(failed)).catch((error: unknown) => error);
    expect(errorCode(thrown)).toBe('NOT_FOUND');
    expect(errorMessage(thrown)).toBe('Run #4 is not stored.');
    expect(errorMessage(null)).toBeNull();
  });
});

describe('retry policy', () => {
  it('retries UNAVAILABLE twice, never a refusal or a bug', () => {
    const unavailable = new StudioError({ code: 'UNAVAILABLE', message: 'restarting' });
    expect(shouldRetry(0, unavailable)).toBe(true);
    expect(shouldRetry(1, unavailable)).toBe(true);
    expect(shouldRetry(2, unavailable)).toBe(false);
    for (const code of ['NOT_FOUND', 'INVALID_INPUT', 'INTERNAL', 'CONFLICT'])
      expect(shouldRetry(0, new StudioError({ code, message: code }))).toBe(false);
    expect(shouldRetry(0, new TypeError('x is undefined'))).toBe(false);
    expect(retryDelay(10)).toBe(2000);
  });

  it('asks again after UNAVAILABLE and gives up at once on NOT_FOUND', async () => {
    const client = createStudioQueryClient();
    client.setDefaultOptions({ queries: { ...client.getDefaultOptions().queries, retryDelay: 0 } });
    const answers = [
      { ok: false as const, error: { code: 'UNAVAILABLE', message: 'The studio is not reachable.' } },
      { ok: true as const, value: 'back' },
    ];
    let calls = 0;
    await expect(
      client.fetchQuery({ queryKey: ['a'], queryFn: () => valueOf(Promise.resolve(answers[calls++]!)) }),
    ).resolves.toBe('back');
    expect(calls).toBe(2);

    let refused = 0;
    const missing = client.fetchQuery({
      queryKey: ['b'],
      queryFn: () => {
        refused += 1;
        return valueOf(Promise.resolve({ ok: false as const, error: { code: 'NOT_FOUND', message: 'gone' } }));
      },
    });
    await expect(missing).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'gone' });
    expect(refused).toBe(1);
  });
});
