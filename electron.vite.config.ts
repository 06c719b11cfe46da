import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// One build for the three parts of the desktop app. The renderer build (out/renderer) is also what
// the local web host serves, so the desktop app and web mode run the very same UI.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: {
        entry: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          core: resolve(__dirname, 'electron/core-process/index.ts'),
        },
      },
      externalizeDeps: true,
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: resolve(__dirname, 'electron/preload/index.ts') },
      // A sandboxed preload cannot require() packages: bundle zod and the contract into it.
      externalizeDeps: { exclude: ['zod'] },
      // Sandboxed preloads must be CommonJS, whatever the package's module type.
      rollupOptions: { output: { format: 'cjs', entryFileNames: 'index.cjs' } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    base: './',
    plugins: [react()],
    resolve: { alias: { '@shared': resolve(__dirname, 'shared') } },
    // Monaco's editor worker as an ES module worker, served from the app's own origin (CSP worker-src 'self').
    worker: { format: 'es' },
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
