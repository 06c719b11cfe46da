import { describe, expect, it } from 'vitest';
import { ContractError } from '../shared/contract';
import { SecretStoreError } from './secrets';
import { StoreError } from './store';
import { toContractError } from './contract-errors';

const asShape = (error: unknown) => {
  expect(error).toBeInstanceOf(ContractError);
  const { code, message } = error as ContractError;
  return { code, message };
};

describe('toContractError', () => {
  it("uses the channel's own code when it declares one", () => {
    const notFound = new StoreError('NOT_FOUND', 'There is no script "x".');
    expect(asShape(toContractError(notFound, ['NOT_FOUND']))).toEqual({
      code: 'NOT_FOUND',
      message: 'There is no script "x".',
    });
    expect(asShape(toContractError(new StoreError('CONFLICT', 'taken'), ['CONFLICT'])).code).toBe('CONFLICT');
    expect(asShape(toContractError(new StoreError('INVALID', 'bad name'), ['INVALID'])).code).toBe('INVALID');
  });

  it('reports a workspace that cannot be used as STORE_UNAVAILABLE with the store’s message', () => {
    for (const code of ['READ_ONLY', 'CORRUPT', 'DISK_FULL', 'BUSY', 'SCHEMA_TOO_NEW'] as const) {
      const error = new StoreError(code, `message of ${code} naming /data/workspace.db`);
      expect(asShape(toContractError(error, ['STORE_UNAVAILABLE']))).toEqual({
        code: 'STORE_UNAVAILABLE',
        message: `message of ${code} naming /data/workspace.db`,
      });
      // A channel that does not declare it answers the common UNAVAILABLE, with the same message.
      expect(asShape(toContractError(error, [])).code).toBe('UNAVAILABLE');
    }
  });

  it('maps keychain failures, unknown environments and bad names', () => {
    const unavailable = new SecretStoreError(
      'KEYCHAIN_UNAVAILABLE',
      'No OS keychain is reachable: install gnome-keyring',
    );
    expect(asShape(toContractError(unavailable, ['KEYCHAIN_UNAVAILABLE']))).toEqual({
      code: 'KEYCHAIN_UNAVAILABLE',
      message: 'No OS keychain is reachable: install gnome-keyring',
    });
    const failed = new SecretStoreError('KEYCHAIN_FAILED', 'The OS keychain refused the request');
    expect(asShape(toContractError(failed, ['KEYCHAIN_UNAVAILABLE'])).code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(asShape(toContractError(unavailable, [])).code).toBe('UNAVAILABLE');
    const unknown = new SecretStoreError('UNKNOWN_ENVIRONMENT', 'There is no environment "qa".');
    expect(asShape(toContractError(unknown, ['NOT_FOUND'])).code).toBe('NOT_FOUND');
    expect(asShape(toContractError(unknown, [])).code).toBe('INVALID_INPUT');
    expect(asShape(toContractError(new SecretStoreError('INVALID_NAME', 'bad'), [])).code).toBe('INVALID_INPUT');
  });

  it("moves a handler's own ContractError to a common code only when the channel does not declare it", () => {
    const own = new ContractError('NOT_FOUND', 'There is no environment "qa".');
    expect(toContractError(own, ['NOT_FOUND'])).toBe(own);
    expect(asShape(toContractError(own, []))).toEqual({ code: 'INVALID_INPUT', message: own.message });
    const declared = new ContractError('PIPELINE_INVALID', 'two problems');
    expect(toContractError(declared, ['PIPELINE_INVALID'])).toBe(declared);
  });

  it('leaves anything else alone, for the router to hide behind INTERNAL', () => {
    const bug = new TypeError('cannot read properties of undefined');
    expect(toContractError(bug, ['NOT_FOUND'])).toBe(bug);
    const closed = new StoreError('CLOSED', 'The workspace is closed.');
    expect(toContractError(closed, ['STORE_UNAVAILABLE'])).toBe(closed);
  });
});
