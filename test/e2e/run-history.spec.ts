/**
 * Run history in the panel against a real `solver-farm serve` (its data folder is a fresh
 * temp folder, test/e2e/global-setup.ts): a finished Wyndor sweep is listed with 901 done and
 * opens with its results and logs; a long run terminated gracefully is listed as stopped and
 * resumable; Resume completes it in the live view, and its journal then holds every task
 * exactly once (checked through FarmApi.openRun over the WebSocket, not only on screen).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page, test, type WebSocketRoute } from '@playwright/test';
import type { PastRunDetail } from '../../solver/api.ts';
import {
  chattyJob,
  ensureIdle,
  farmCall,
  openJobFile,
  openPanel,
  pickExample,
  startRun,
  waitForEnd,
} from './helpers.ts';

test.beforeEach(async ({ page }) => {
  await openPanel(page);
});

test.afterEach(async ({ page }) => {
  const live = page.getByTestId('runs-button');
  if ((await live.getAttribute('aria-pressed')) === 'true') await live.click();
  await ensureIdle(page);
});

async function openRuns(page: Page): Promise<void> {
  await page.getByTestId('runs-button').click();
  await expect(page.getByTestId('run-history')).toBeVisible();
}

test('a finished Wyndor sweep is listed with 901 done and opens with its results and logs', async ({
  page,
}, testInfo) => {
  await pickExample(page, /wyndor.*window profit/i);
  await startRun(page);
  expect(await waitForEnd(page)).toBe('done');
  const runId = await farmCall<{ run: { runId: string } | null }>('status').then((s) => s.run?.runId ?? '');
  expect(runId).not.toBe('');

  await openRuns(page);
  const row = page.locator(`[data-testid="past-run"][data-run-id="${runId}"]`);
  await expect(row).toHaveAttribute('data-status', 'done');
  await expect(row.getByTestId('past-run-counts')).toHaveAttribute('data-done', '901');
  await expect(row.getByTestId('past-run-counts')).toHaveAttribute('data-total', '901');
  await expect(row).toHaveAttribute('data-resumable', 'false');
  // Newest first: the run just made is the first row.
  await expect(page.getByTestId('past-run').first()).toHaveAttribute('data-run-id', runId);
  await page.screenshot({ path: testInfo.outputPath('run-history-list.png') });

  // Keyboard: focus the Open button and press Enter.
  await row.getByTestId('open-run').focus();
  await page.keyboard.press('Enter');
  const view = page.getByTestId('past-run-view');
  await expect(view).toHaveAttribute('data-run-id', runId);
  const results = view.getByTestId('past-results');
  await expect(results.getByTestId('results-count')).toHaveAttribute('data-count', '901');
  await expect(results.getByTestId('result-row').first()).toBeVisible();
  await expect(view.getByTestId('past-log').first()).toBeAttached();
  await expect(view.getByTestId('past-sweep-chart').locator('canvas').first()).toBeVisible();
  await view.getByTestId('past-log').first().locator('summary').click();
  await page.screenshot({ path: testInfo.outputPath('run-history-opened.png') });

  // Export the opened run as CSV: a header and 901 rows.
  const download = page.waitForEvent('download');
  await view.getByTestId('past-export-csv').click();
  const file = await download;
  const text = await (await file.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
  expect(text.trim().split(/\r\n/)).toHaveLength(902);

  await page.keyboard.press('Escape');
  await expect(page.getByTestId('run-history')).toBeVisible();
});

test('a gracefully terminated run is listed as stopped and resumable; Resume completes it, every task once', async ({
  page,
}) => {
  const tasks = 40;
  await openJobFile(page, 'chatty-resume.json', chattyJob(tasks, 400));
  await startRun(page);
  // Let a few tasks finish, then drain (graceful terminate).
  await expect
    .poll(async () => Number((await page.getByTestId('results-count').getAttribute('data-count')) ?? '0'), {
      timeout: 30_000,
      intervals: [100],
    })
    .toBeGreaterThanOrEqual(2);
  await page.getByTestId('terminate').click();
  expect(await waitForEnd(page)).toBe('stopped');
  const runId = await farmCall<{ run: { runId: string } | null }>('status').then((s) => s.run?.runId ?? '');

  await openRuns(page);
  const row = page.locator(`[data-testid="past-run"][data-run-id="${runId}"]`);
  await expect(row).toHaveAttribute('data-status', 'stopped');
  await expect(row).toHaveAttribute('data-resumable', 'true');
  const doneBefore = Number(await row.getByTestId('past-run-counts').getAttribute('data-done'));
  expect(doneBefore).toBeGreaterThanOrEqual(2);
  expect(doneBefore).toBeLessThan(tasks);

  await row.getByTestId('resume-run').click();
  // Resume switches back to the live view, where the run finishes.
  await expect(page.getByTestId('run-history')).toBeHidden();
  // A resumed run keeps its id: wait until the panel shows it running again (the rest takes
  // seconds: 400 ms tasks), not the stopped state still on screen from before.
  await expect(page.getByTestId('progress')).not.toHaveAttribute('data-run-state', 'stopped', { timeout: 30_000 });
  expect(await waitForEnd(page, 90_000)).toBe('done');
  // The live table holds the earlier session's results as well as the resumed ones.
  await expect(page.getByTestId('results').getByTestId('results-count')).toHaveAttribute('data-count', String(tasks));

  await openRuns(page);
  await expect(row).toHaveAttribute('data-status', 'done');
  await expect(row.getByTestId('past-run-counts')).toHaveAttribute('data-done', String(tasks));
  await expect(row).toHaveAttribute('data-resumable', 'false');

  // The journal: each task exactly once.
  const detail = await farmCall<PastRunDetail>('openRun', runId, { limit: 1000 });
  expect(detail.resultCount).toBe(tasks);
  expect(detail.results).toHaveLength(tasks);
  expect(new Set(detail.results.map((r) => r.id)).size).toBe(tasks);
  expect(detail.results.map((r) => r.index)).toEqual(Array.from({ length: tasks }, (_, i) => i));
  // And on disk: the journal has exactly one line per task (no re-run of a finished task).
  expect(detail.run.dir.startsWith(process.env.FARM_DATA_DIR ?? '?')).toBe(true);
  const lines = readFileSync(path.join(detail.run.dir, 'results.jsonl'), 'utf8').trim().split('\n');
  expect(lines).toHaveLength(tasks);
});

test('results that arrive while the WebSocket is down are fetched back from the run journal on reconnect', async ({
  page,
}) => {
  let blackout = false;
  let current: WebSocketRoute | null = null;
  await page.routeWebSocket(/\/farm\?token=/, (ws) => {
    if (blackout) {
      // The farm is unreachable: every reconnect attempt fails until the blackout ends.
      void ws.close({ code: 1012, reason: 'blackout by the test' });
      return;
    }
    current = ws;
    const server = ws.connectToServer();
    ws.onMessage((message) => server.send(message));
  });
  await openPanel(page);
  const tasks = 30;
  await openJobFile(page, 'chatty-gap.json', chattyJob(tasks, 150));
  await startRun(page);
  const results = page.getByTestId('results').getByTestId('results-count');
  await expect
    .poll(async () => Number((await results.getAttribute('data-count')) ?? '0'), { timeout: 30_000, intervals: [50] })
    .toBeGreaterThanOrEqual(1);
  blackout = true;
  await (current as WebSocketRoute | null)?.close({ code: 1012, reason: 'dropped by the test' });
  await expect(page.getByTestId('connection')).not.toHaveAttribute('data-state', 'open');
  const seenBefore = Number((await results.getAttribute('data-count')) ?? '0');
  // The run ends on the server while the page cannot hear it.
  await expect.poll(async () => (await farmCall<{ state: string }>('status')).state, { timeout: 60_000 }).toBe('done');
  expect(seenBefore).toBeLessThan(tasks);
  blackout = false;
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'open', { timeout: 40_000 });
  expect(await waitForEnd(page)).toBe('done');
  // Every result is in the live table, including those sent while the page was cut off.
  await expect(results).toHaveAttribute('data-count', String(tasks));
});

test('a finished TSP run opens with its tour on the canvas and its steps', async ({ page }) => {
  await pickExample(page, /berlin52/i);
  await startRun(page);
  expect(await waitForEnd(page)).toBe('done');
  const runId = await farmCall<{ run: { runId: string } | null }>('status').then((s) => s.run?.runId ?? '');
  await openRuns(page);
  const row = page.locator(`[data-testid="past-run"][data-run-id="${runId}"]`);
  await expect(row).toHaveAttribute('data-status', 'done');
  await row.getByTestId('open-run').click();
  const view = page.getByTestId('past-run-view');
  await expect(view.getByTestId('past-tour-canvas')).toBeVisible();
  const steps = await farmCall<PastRunDetail>('openRun', runId).then((d) => d.steps.length);
  expect(steps).toBeGreaterThan(0);
  await expect(view.getByTestId('past-tour-canvas')).toHaveAttribute('data-step', String(steps));
  await expect(view.getByTestId('step-table').locator('tbody tr')).toHaveCount(steps);
});
