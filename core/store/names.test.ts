import { describe, expect, it } from 'vitest';
import { validateBundle } from '../../shared/engine';
import { checkEnvironmentName, checkSecretName, checkVariableName, isEnvironmentName, isSecretName } from './names';

describe('workspace names', () => {
  it('accept secret names as the bundle does, and nothing else', () => {
    for (const name of ['IPQS_API_KEY', 'A', 'K9_X']) {
      expect(isSecretName(name)).toBe(true);
      expect(validateBundle({ format: 'pipeline-studio/bundle@1', name: 'n', scripts: {}, secrets: [name] }).ok).toBe(
        true,
      );
    }
    for (const name of ['lower', '9KEY', '_KEY', 'A-B', '', 'A'.repeat(65)]) {
      expect(isSecretName(name)).toBe(false);
      expect(() => checkSecretName(name)).toThrow(expect.objectContaining({ code: 'INVALID' }));
    }
  });

  it('accept variable names as the bundle does', () => {
    expect(() => checkVariableName('_region2')).not.toThrow();
    expect(() => checkVariableName('2region')).toThrow(/Variable name/);
    expect(() => checkVariableName('re-gion')).toThrow(/Variable name/);
  });

  it('keep environment names to what fits in a keychain service name and a URL', () => {
    for (const name of ['staging', 'production', 'eu-west-1', '2']) expect(isEnvironmentName(name)).toBe(true);
    for (const name of ['Staging', 'a/b', 'a b', '-x', '', 'x'.repeat(33), '..']) {
      expect(isEnvironmentName(name)).toBe(false);
      expect(() => checkEnvironmentName(name)).toThrow(expect.objectContaining({ code: 'INVALID' }));
    }
  });
});
