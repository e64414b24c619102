import { defineConfig } from 'vitest/config';

// Unit and integration tests (real solver processes). Playwright suites (test/e2e,
// test/electron) run under Playwright's own runner: see playwright.config.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/electron/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Process tests spawn one solver per core; running files in parallel on a 2-core
    // machine would make the timing-sensitive ones (status within 100 ms) flaky.
    fileParallelism: false,
  },
});
