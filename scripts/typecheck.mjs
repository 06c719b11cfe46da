// `npm run typecheck`: each environment with its own tsconfig, so that code that must run anywhere
// (tsconfig.shared.json: no DOM, no Node types) is held to it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
let failed = false;
for (const config of ['tsconfig.shared.json', 'tsconfig.node.json', 'tsconfig.renderer.json', 'tsconfig.e2e.json']) {
  const result = spawnSync(tsc, ['-p', config], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`typecheck failed: ${config}\n`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
