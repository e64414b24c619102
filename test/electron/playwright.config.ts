import { defineConfig } from '@playwright/test';

/**
 * The Electron app tests alone (`npm run test:electron`), without the browser-mode
 * server the e2e project starts. The same specs also run as the 'electron' project of
 * the root playwright.config.ts.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/electron',
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
});
