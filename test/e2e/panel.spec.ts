/**
 * The control panel against a real `solver-farm serve` with two real solver processes:
 * Wyndor sweep end to end (logs, progress, results, CSV export checked against the LP's
 * known optimum), Status and Terminate during a long run, TSP steps on the canvas, and
 * start errors shown in place.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  chattyJob,
  ensureIdle,
  logLines,
  openJobFile,
  openPanel,
  parseCsv,
  pickExample,
  startRun,
  waitForEnd,
} from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

test.beforeEach(async ({ page }) => {
  await openPanel(page);
});

test.afterEach(async ({ page }) => {
  // Leave the shared farm idle for the next test, whatever happened here.
  await ensureIdle(page);
});

test('Wyndor sweep: every core logs, progress and results fill, the CSV export holds the LP optima', async ({
  page,
}, testInfo) => {
  await pickExample(page, /wyndor.*window profit/i);
  await startRun(page);
  // Wait for this run to be on screen: an earlier test's finished run would satisfy waitForEnd.
  await expect(page.getByTestId('progress').getByRole('heading')).toHaveText(/wyndor/i);

  const state = await waitForEnd(page);
  expect(state).toBe('done');
  // Every core solved some of the 901 LPs and its pane shows GLPK's own simplex output.
  for (const id of [0, 1]) {
    await expect.poll(() => logLines(page, `log-${id}`), { message: `core ${id} log lines` }).toBeGreaterThan(0);
    await expect(
      page.getByTestId(`log-${id}`).getByTestId('log-line').filter({ hasText: /obj =/ }).first(),
    ).toBeVisible();
    expect(Number(await page.getByTestId(`core-${id}`).getByTestId('core-done').textContent())).toBeGreaterThan(0);
  }
  await expect(page.getByTestId('progress-bar')).toHaveAttribute('data-value', '100');
  await expect(page.getByTestId('progress-done')).toContainText('901');
  await expect(page.getByTestId('results-count')).toHaveAttribute('data-count', '901');
  await expect(page.getByTestId('result-row').first()).toBeVisible();
  await expect(page.getByTestId('sweep-chart').locator('canvas').first()).toBeVisible();
  const shot = testInfo.outputPath('wyndor-sweep-done.png');
  await page.screenshot({ path: shot });
  if (process.env.SAVE_DOCS_SCREENSHOT) {
    await mkdir(path.join(ROOT, 'docs'), { recursive: true });
    await copyFile(shot, path.join(ROOT, 'docs', 'screenshot.png'));
  }
  // The dark theme follows the OS.
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
  expect(dark).not.toBe('rgb(244, 245, 247)');
  await page.screenshot({ path: testInfo.outputPath('wyndor-sweep-done-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  // CSV export: one row per task; each objective is the LP optimum, recomputed here from the
  // two vertices that can be optimal for P ≥ 0: (4, 3) → 1200 + 3P and (2, 6) → 600 + 6P.
  const downloadPromise = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csvPath = testInfo.outputPath('wyndor.csv');
  await download.saveAs(csvPath);
  const [header, ...rows] = parseCsv(await readFile(csvPath, 'utf8'));
  expect(header).toBeDefined();
  const col = (name: string) => {
    const i = header?.indexOf(name) ?? -1;
    expect(i, `CSV column ${name} in ${header?.join(',')}`).toBeGreaterThanOrEqual(0);
    return i;
  };
  const [iP, iObj, iStatus, iDoors, iWindows, iIndex] = [
    'P',
    'objective',
    'status',
    'value:doors',
    'value:windows',
    'index',
  ].map(col);
  expect(rows).toHaveLength(901);
  const seenP = new Set<number>();
  for (const row of rows) {
    const P = Number(row[iP as number]);
    const objective = Number(row[iObj as number]);
    const doors = Number(row[iDoors as number]);
    const windows = Number(row[iWindows as number]);
    expect(row[iStatus as number]).toBe('optimal');
    expect(objective).toBeCloseTo(Math.max(1200 + 3 * P, 600 + 6 * P), 6);
    expect(300 * doors + P * windows).toBeCloseTo(objective, 6);
    expect(Number(row[iIndex as number])).toBe(P - 100);
    seenP.add(P);
  }
  expect(seenP.size).toBe(901);
  expect(Math.min(...seenP)).toBe(100);
  expect(Math.max(...seenP)).toBe(1000);

  // JSON export carries the same results.
  const jsonDownload = page.waitForEvent('download');
  await page.getByTestId('export-json').click();
  const json = JSON.parse(await readFile((await (await jsonDownload).path()) ?? '', 'utf8')) as {
    params: { P: number };
    objective: number;
  }[];
  expect(json).toHaveLength(901);
  for (const r of json) expect(r.objective).toBeCloseTo(Math.max(1200 + 3 * r.params.P, 600 + 6 * r.params.P), 6);

  // Sorting by objective (descending) from the keyboard puts P = 1000 first.
  const objectiveHeader = page.getByRole('columnheader', { name: /objective/i }).getByRole('button');
  await objectiveHeader.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('columnheader', { name: /objective/i })).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByTestId('result-row').first()).toContainText('P=1000');
});

test('Status answers during a long run; Terminate drains, then kills, and the finished results stay', async ({
  page,
}, testInfo) => {
  // Two quick tasks give results to keep; every later task runs 60 s, so the drain below is
  // still going when the test presses Terminate the second time, however slow the machine.
  await openJobFile(page, 'chatty-long.json', chattyJob(400, 60_000, { tasks: 2, ms: 1500 }));
  await startRun(page);
  await expect(page.getByTestId('progress')).toHaveAttribute('data-run-state', 'running');

  // Log lines stream into every core's pane while the run goes.
  for (const id of [0, 1]) await expect.poll(() => logLines(page, `log-${id}`)).toBeGreaterThan(50);
  await expect(page.getByTestId('progress')).toHaveAttribute('data-run-state', 'running');
  for (const id of [0, 1]) await expect(page.getByTestId(`core-${id}`)).toHaveAttribute('data-state', 'solving');

  // Log pane tools while lines stream: scrolling up stops following and offers 'Jump to
  // latest'; the filter counts and highlights matches.
  const pane = page.getByTestId('log-0');
  const body = pane.getByRole('log');
  await body.evaluate((el) => {
    el.scrollTop = 0;
  });
  const jump = pane.getByRole('button', { name: /jump to latest/i });
  await expect(jump).toBeVisible();
  await jump.click();
  await expect(jump).toBeHidden();
  await pane.getByRole('searchbox', { name: /search core 1 log/i }).fill('OPTIMAL LP SOLUTION');
  await expect(pane.locator('mark').first()).toHaveText(/optimal lp solution/i);
  await expect(pane.getByText(/\d+ match/)).toBeVisible();
  await pane.getByRole('searchbox').fill('');

  // Let a few tasks finish so there are results to keep.
  await expect
    .poll(async () => Number(await page.getByTestId('results-count').getAttribute('data-count')), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(2);

  // Status while both solvers are deep in a synchronous solve.
  await page.getByTestId('status-button').click();
  const dialog = page.getByTestId('status-dialog');
  await expect(dialog).toBeVisible();
  for (const id of [0, 1]) {
    const row = dialog.getByTestId(`status-row-${id}`);
    await expect(row).toHaveAttribute('data-state', 'solving');
    await expect(row).toContainText(/Solving chunk \d+/);
  }
  await expect(dialog.getByTestId('status-latency')).toContainText(/answered in \d+ ms/);
  console.log(`status: ${await dialog.getByTestId('status-latency').textContent()}`);
  await page.screenshot({ path: testInfo.outputPath('status-during-run.png') });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // First press drains: no new work, running tasks finish.
  const terminate = page.getByTestId('terminate');
  await expect(terminate).toHaveText('Terminate (drain)');
  await terminate.click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-run-state', 'stopping');
  await expect(terminate).toHaveAttribute('data-stage', 'graceful');
  await expect(terminate).toHaveText(/Draining.*press to kill/);
  const kept = Number(await page.getByTestId('results-count').getAttribute('data-count'));
  await page.screenshot({ path: testInfo.outputPath('draining.png') });

  // Second press kills the solver processes at once.
  await terminate.click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-run-state', 'stopped', { timeout: 10_000 });
  for (const id of [0, 1]) await expect(page.getByTestId(`core-${id}`)).toHaveAttribute('data-state', 'stopped');
  const after = Number(await page.getByTestId('results-count').getAttribute('data-count'));
  expect(after).toBeGreaterThanOrEqual(kept);
  expect(after).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('result-row').first()).toBeVisible();
  await expect(page.getByTestId('start')).toBeEnabled();
  await page.screenshot({ path: testInfo.outputPath('terminated.png') });

  // Once the solvers are gone, Clear empties a pane for good.
  await pane.getByRole('button', { name: 'Clear' }).click();
  await expect(pane).toHaveAttribute('data-lines', '0');
  await expect(pane.getByText('No output yet.')).toBeVisible();
});

test('TSP berlin52: the step counter advances and the tour canvas changes between steps', async ({
  page,
}, testInfo) => {
  await pickExample(page, /berlin52/i);
  await startRun(page);
  const canvas = page.getByTestId('tour-canvas');
  await expect(canvas).toBeVisible();
  const stepOf = async () => Number(await canvas.getAttribute('data-step'));
  const pixels = () => canvas.evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL());
  // The first picture, before step 1 ends (it searches for 400 ms): the cities alone.
  const firstPixels = await pixels();
  expect(await stepOf(), 'the canvas should appear before the first step ends').toBe(0);
  await expect(page.getByTestId('step-counter')).toContainText(/Step \d+ of \d+/);
  await page.screenshot({ path: testInfo.outputPath('tsp-early.png') });

  // Later steps: the counter moves on and the canvas now shows the best tour.
  await expect.poll(stepOf, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  expect(await pixels()).not.toBe(firstPixels);
  expect(await waitForEnd(page)).toBe('done');
  const rows = page.getByTestId('step-table').locator('tbody tr');
  const n = await rows.count();
  expect(n).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('step-counter')).toContainText(`Step ${n} of ${n}`);
  // The best length never gets worse from one step to the next.
  const bests = await rows.evaluateAll((trs) =>
    trs.map((tr) => Number((tr.children[1]?.textContent ?? '').replaceAll(',', ''))),
  );
  for (let i = 1; i < bests.length; i++) expect(bests[i]).toBeLessThanOrEqual(bests[i - 1] as number);
  await page.screenshot({ path: testInfo.outputPath('tsp-done.png') });
});

test("a new run starts with an empty results table: the last run's results do not carry over", async ({ page }) => {
  await pickExample(page, /wyndor.*window profit/i);
  await startRun(page);
  expect(await waitForEnd(page)).toBe('done');
  await expect(page.getByTestId('results-count')).toHaveAttribute('data-count', '901');
  // Another job (other task ids): Start's answer can reach the page before the run's first
  // event; either way the table must hold this run's 5 results only.
  const wyndor = JSON.parse(await readFile(path.join(ROOT, 'examples', 'wyndor-sweep.json'), 'utf8')) as {
    grid: unknown[];
  };
  wyndor.grid = [{ name: 'P', objective: 'windows', values: [10, 20, 30, 40, 50] }];
  await openJobFile(page, 'wyndor-five.json', wyndor);
  await startRun(page);
  expect(await waitForEnd(page)).toBe('done');
  await expect(page.getByTestId('results-count')).toHaveAttribute('data-count', '5');
  await expect(page.getByTestId('result-row')).toHaveCount(5);
});

test('start errors are shown next to the toolbar in plain words', async ({ page }) => {
  const wyndor = JSON.parse(await readFile(path.join(ROOT, 'examples', 'wyndor-sweep.json'), 'utf8')) as {
    grid: { step: number }[];
  };
  const bad = structuredClone(wyndor);
  if (bad.grid[0]) bad.grid[0].step = -1;
  await openJobFile(page, 'my.json', bad);
  await page.getByTestId('start').click();
  const error = page.getByTestId('toolbar-error');
  await expect(error).toContainText('my.json');
  await expect(error).toContainText('$.grid[0].step');
  await expect(page.getByTestId('progress')).toHaveAttribute('data-run-state', /^(idle|done|stopped|failed)$/);

  // A file that is not JSON at all is refused in the page, by name.
  await page
    .getByTestId('job-file-input')
    .setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{ "kind": ') });
  await expect(error).toContainText('broken.json: not valid JSON');
});
