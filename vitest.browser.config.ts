/**
 * Component tests in real Chromium (Vitest browser mode): the mask editor's Konva canvas and panel.
 * Run: npx vitest run --project browser   (or: npx vitest run -c vitest.browser.config.ts)
 * Uses Debian's /usr/bin/chromium (no `playwright install`); override with EADER_CHROMIUM.
 */
import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const alias = { '@shared': resolve(import.meta.dirname, 'src-shared') };

export default defineConfig({
  plugins: [vue()],
  resolve: { alias },
  test: {
    name: 'browser',
    include: ['src-renderer/src/**/*.browser.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      viewport: { width: 1000, height: 700 },
      provider: playwright({
        launchOptions: {
          executablePath: process.env.EADER_CHROMIUM ?? '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
