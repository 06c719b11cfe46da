import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The renderer's `@shared/…` imports (tsconfig.renderer.json's paths), so its pure modules are
  // tested with the shared code they really use.
  resolve: { alias: { '@shared': fileURLToPath(new URL('./shared', import.meta.url)) } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'out/**', 'dist/**', 'e2e/**'],
    environment: 'node',
    globalSetup: ['./scripts/vitest-global-setup.ts'],
    testTimeout: 20_000,
  },
});
