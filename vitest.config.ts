import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'out/**', 'dist/**', 'e2e/**'],
    environment: 'node',
    globalSetup: ['./scripts/vitest-global-setup.ts'],
    testTimeout: 20_000,
  },
});
