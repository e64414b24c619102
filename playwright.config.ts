import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the control panel in browser mode: Debian's Chromium (Playwright's own
 * browser download does not work on our machines) against a real `solver-farm serve` with
 * real solver processes, started by test/e2e/global-setup.ts. test/electron has its own
 * project that reports itself skipped where no Electron binary exists.
 */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // performance.memory with real numbers (not bucketed) for the heap-plateau check.
  '--enable-precise-memory-info',
];

export default defineConfig({
  testDir: 'test',
  outputDir: 'test-results',
  // One farm serves every test, and one run at a time: tests must not overlap.
  workers: 1,
  fullyParallel: false,
  // On CI a failed test runs once more and is reported as flaky, not hidden: the panel tests
  // drive real solver processes on a shared 2-core machine, where a timing-dependent UI step
  // (e.g. scrolling a log pane that is still filling) has failed about once in ten runs.
  retries: process.env.CI ? 1 : 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  projects: [
    {
      name: 'e2e',
      testMatch: 'e2e/**/*.spec.ts',
      use: {
        browserName: 'chromium',
        headless: true,
        viewport: { width: 1440, height: 1000 },
        acceptDownloads: true,
        screenshot: 'only-on-failure',
        trace: 'retain-on-failure',
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: chromiumArgs,
        },
      },
    },
    // Electron app tests (test/electron, owned by the shell): they launch their own app.
    { name: 'electron', testMatch: 'electron/**/*.spec.ts' },
  ],
  globalSetup: './test/e2e/global-setup.ts',
});
