// Type declarations of the package's entry points (`pipeline-studio/better-auth`,
// `pipeline-studio/runtime`) for hosts written in TypeScript: tsconfig.types.json → dist/types.
// Part of `npm run build`; not of the quick rebuilds (`--if-needed`) that `npm start` and the
// tests run, since only a TypeScript host reads them (integrations/better-auth/package-types.test.ts
// builds them itself).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function buildTypes() {
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
  const result = spawnSync(tsc, ['-p', 'tsconfig.types.json'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`type declarations failed:\n${result.stdout}${result.stderr}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildTypes();
