import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import { PROCESS_ENTRIES } from './src-main/processes/entries';

const alias = { '@shared': resolve(import.meta.dirname, 'src-shared') };

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          // Electron's main process (imports electron).
          index: resolve(import.meta.dirname, 'src-main/app/index.ts'),
          // The headless front: `eader` CLI and the WebSocket host (no electron).
          cli: resolve(import.meta.dirname, 'src-main/cli/index.ts'),
          // Every child process and worker thread (trainer, train-worker, pseudo-worker), from the one table.
          ...Object.fromEntries(Object.entries(PROCESS_ENTRIES).map(([name, { source }]) => [name, resolve(import.meta.dirname, source)])),
        },
      },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require packages: bundle zod and the contract into it.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src-main/preload/index.ts') },
        // CommonJS, so that the window can run with sandbox: true.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src-renderer'),
    resolve: { alias },
    plugins: [vue()],
    build: {
      outDir: 'out/renderer',
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') } },
    },
  },
});
