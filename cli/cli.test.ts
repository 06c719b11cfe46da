import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };

const bin = path.resolve(__dirname, '..', 'bin', 'pipeline-studio.mjs');

describe('pipeline-studio CLI', () => {
  it('is declared as the package bin', () => {
    expect(packageJson.bin['pipeline-studio']).toBe('bin/pipeline-studio.mjs');
  });

  it('prints its version', () => {
    expect(execFileSync('node', [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(packageJson.version);
  });

  it('prints help with the exit codes', () => {
    const out = execFileSync('node', [bin, '--help'], { encoding: 'utf8' });
    expect(out).toContain('Usage: pipeline-studio <command>');
    expect(out).toContain('Exit codes: 0 success');
  });

  it('refuses an unknown command with exit code 2 and one line on stderr', () => {
    const result = spawnSync('node', [bin, 'frobnicate'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe("pipeline-studio: unknown command 'frobnicate' (see pipeline-studio --help)");
  });
});
