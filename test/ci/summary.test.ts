/**
 * The closing line of .ci/run (.ci/summary) on real runner output: a test file that fails to
 * load, or in a suite hook, runs no test and so fails no test; it must still count as failed,
 * or the line reads "0 failed" over a red run. The Vitest logs were captured (colours and
 * all) from runs with a missing import, a throwing beforeAll and a failing assertion.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SUMMARY = fileURLToPath(new URL('../../.ci/summary', import.meta.url));
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'solver-farm-ci-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The closing line for a log made of these runner outputs, one after the other (as `npm test` prints them). */
function summary(...parts: string[]): string {
  return summaryWithStatus(0, ...parts);
}

function summaryWithStatus(status: number, ...parts: string[]): string {
  const log = join(tmp, 'log');
  writeFileSync(log, parts.join('\n'));
  return execFileSync('bash', [SUMMARY, log, String(status)], { encoding: 'utf8' }).trim();
}

describe.skipIf(process.platform === 'win32')('.ci/summary', () => {
  it('counts files that failed to load or in a hook as failed', () => {
    expect(summary(fixture('vitest-failed-suites.txt'))).toBe(
      'ci: 3 passed, 3 failed (2 test files failed to load or in a hook), 2 skipped, 0 flaky (passed on the retry)',
    );
  });

  it('counts a failed test once, not again for its file', () => {
    expect(summary(fixture('vitest-failed-test.txt'))).toBe(
      'ci: 1 passed, 1 failed, 0 skipped, 0 flaky (passed on the retry)',
    );
  });

  it('adds up Vitest and Playwright', () => {
    expect(summary(fixture('vitest-failed-suites.txt'), fixture('playwright.txt'))).toBe(
      'ci: 20 passed, 4 failed (2 test files failed to load or in a hook), 5 skipped, 1 flaky (passed on the retry)',
    );
  });

  it('says so when the run failed before or outside any counted test (typecheck, lint)', () => {
    expect(summaryWithStatus(2, '> tsc -p tsconfig.json\nsolver/x.ts(1,1): error TS1005\n')).toBe(
      'ci: 0 passed, 0 failed, 0 skipped, 0 flaky (passed on the retry); but the run failed (exit status 2) outside any counted test: see the log above',
    );
    expect(summaryWithStatus(1, fixture('vitest-failed-test.txt'))).toBe(
      'ci: 1 passed, 1 failed, 0 skipped, 0 flaky (passed on the retry)',
    );
  });

  it('a file failure is never lost, should the "Failed Suites" header be missing', () => {
    const withoutHeader = fixture('vitest-failed-suites.txt')
      .split('\n')
      .filter((line) => !line.includes('Failed Suites') && !/Tests .*failed/.test(line))
      .join('\n');
    expect(summary(withoutHeader)).toMatch(/^ci: \d+ passed, 3 failed \(3 test files/);
  });
});
