import { StoreError } from './errors';

// Name rules of the workspace. Secret and variable names follow the bundle's rules
// (shared/engine/bundle.ts), so that whatever the store accepts also exports as a valid bundle.
// Environment names are part of keychain service names (`pipeline-studio/<id>/<environment>`)
// and of URLs, hence lowercase letters, digits and "-" only (the table has the same CHECK).

const secretNamePattern = /^[A-Z][A-Z0-9_]{0,63}$/;
const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const environmentNamePattern = /^[a-z0-9][a-z0-9-]{0,31}$/;

export function isSecretName(name: string): boolean {
  return secretNamePattern.test(name);
}

export function checkSecretName(name: string): void {
  if (!isSecretName(name)) {
    throw new StoreError('INVALID', `Secret name "${name}" must be 1–64 of A–Z, 0–9 and "_", starting with a letter.`);
  }
}

export function checkVariableName(name: string): void {
  if (!envNamePattern.test(name)) {
    throw new StoreError(
      'INVALID',
      `Variable name "${name}" must be 1–64 letters, digits or "_", not starting with a digit.`,
    );
  }
}

export function isEnvironmentName(name: string): boolean {
  return environmentNamePattern.test(name);
}

export function checkEnvironmentName(name: string): void {
  if (!isEnvironmentName(name)) {
    throw new StoreError(
      'INVALID',
      `Environment name "${name}" must be 1–32 lowercase letters, digits or "-", starting with a letter or digit.`,
    );
  }
}
