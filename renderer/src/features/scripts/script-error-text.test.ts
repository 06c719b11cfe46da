import { describe, expect, it } from 'vitest';
import { scriptErrorText } from './script-error-text';

describe('scriptErrorText', () => {
  it('says an undeclared secret’s code once', () => {
    expect(
      scriptErrorText({
        code: 'SECRET_NOT_FOUND',
        message: 'script:3: SECRET_NOT_FOUND: secret "API_KEY" is not declared by this pipeline',
      }),
    ).toBe('SECRET_NOT_FOUND: secret "API_KEY" is not declared by this pipeline');
  });

  it('puts the code in front of a message that does not carry it, location kept', () => {
    expect(scriptErrorText({ code: 'RUNTIME_ERROR', message: 'script:2: attempt to index a nil value' })).toBe(
      'RUNTIME_ERROR: script:2: attempt to index a nil value',
    );
    expect(scriptErrorText({ code: 'TIMEOUT', message: 'the script ran longer than 50 ms' })).toBe(
      'TIMEOUT: the script ran longer than 50 ms',
    );
  });
});
