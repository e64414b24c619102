/**
 * The model panel against a real `solver-farm serve` with real solver processes: open an MPS
 * file and see its summary, build a sweep over one right-hand side with a live count preview
 * and run it; open three reference models as a batch and check their objectives against
 * ../shared/models/reference.json; a corrupt LP file shows a located error in place.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, type Page, test } from '@playwright/test';
import { ensureIdle, openPanel, startRun, waitForEnd } from './helpers.ts';

const MODELS = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'models');
const HAVE_MODELS = existsSync(path.join(MODELS, 'reference.json'));
const reference: Record<string, { status: string; objective?: number }> = HAVE_MODELS
  ? JSON.parse(readFileSync(path.join(MODELS, 'reference.json'), 'utf8')).models
  : {};

/** What the results table holds, read back through its JSON export (what a user downloads). */
interface ExportedResult {
  label: string;
  status: string;
  objective: number | null;
  engine?: string;
  params?: Record<string, number | string>;
}

async function exportedResults(page: Page, testInfo: { outputPath(name: string): string }): Promise<ExportedResult[]> {
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-json').click();
  const download = await downloading;
  const file = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(file);
  return JSON.parse(readFileSync(file, 'utf8')) as ExportedResult[];
}

function relErr(got: number | null, want: number): number {
  return Math.abs((got ?? Number.NaN) - want) / Math.max(1, Math.abs(want));
}

test.skip(!HAVE_MODELS, `the reference models are not at ${MODELS}`);

test.beforeEach(async ({ page }) => {
  await openPanel(page);
});

test.afterEach(async ({ page }) => {
  await ensureIdle(page);
});

test('one MPS model: summary, a sweep over one right-hand side with a count preview, 5 results', async ({
  page,
}, testInfo) => {
  const panel = page.getByTestId('model-panel');
  await panel.getByTestId('model-file-input').setInputFiles(path.join(MODELS, 'lp', 'afiro.mps'));

  const summary = panel.getByTestId('model-summary');
  await expect(summary).toBeVisible();
  await expect(summary.getByTestId('summary-sense')).toHaveText('minimize');
  await expect(summary.getByTestId('summary-variables')).toHaveText('32');
  await expect(summary.getByTestId('summary-integers')).toHaveText('0');
  await expect(summary.getByTestId('summary-constraints')).toHaveText('27');
  // No axes yet: one solve of the model as it is.
  await expect(panel.getByTestId('model-preview')).toHaveAttribute('data-count', '1');

  // Axis 1: the upper bound (right-hand side) of row X05, 40..80 step 10 = 5 values.
  await panel.getByTestId('add-axis').click();
  const axis = panel.getByTestId('axis-1');
  await axis.getByLabel('Changes').selectOption('constraint');
  await axis.getByLabel('Constraint').selectOption('X05');
  await axis.getByLabel('Bound').selectOption('ub');
  await axis.getByTestId('axis-from').fill('40');
  await axis.getByTestId('axis-to').fill('80');
  await axis.getByTestId('axis-step').fill('10');
  await expect(panel.getByTestId('model-preview')).toHaveAttribute('data-count', '5');
  await expect(panel.getByTestId('model-preview')).toContainText('5 tasks');

  // An invalid step shows the problem in place and disables Start; fixing it brings the count back.
  await axis.getByTestId('axis-step').fill('0');
  await expect(panel.getByTestId('model-preview-error')).toContainText('"step" must be a number greater than 0');
  await expect(panel.getByTestId('model-start')).toBeDisabled();
  await axis.getByTestId('axis-step').fill('10');
  await expect(panel.getByTestId('model-preview')).toHaveAttribute('data-count', '5');

  await startRun(page, panel.getByTestId('model-start'));
  // The job picker shows the model job as the chosen job; the progress panel shows its run.
  await expect(page.getByLabel('Job', { exact: true })).toHaveValue('file');
  await expect(page.getByTestId('progress').getByRole('heading')).toHaveText('afiro.mps: sweep');
  expect(await waitForEnd(page)).toBe('done');
  await expect(page.getByTestId('results-count')).toHaveAttribute('data-count', '5');
  await expect(page.getByTestId('result-row')).toHaveCount(5);

  const results = await exportedResults(page, testInfo);
  expect(results).toHaveLength(5);
  for (const r of results) expect(['optimal', 'infeasible', 'unbounded', 'feasible', 'time-limit']).toContain(r.status);
  // X05 ≤ 80 is afiro as published: its reference optimum.
  const base = results.find((r) => Object.values(r.params ?? {}).includes(80));
  expect(base, JSON.stringify(results)).toBeDefined();
  expect(base?.status).toBe('optimal');
  expect(relErr(base?.objective ?? null, reference.afiro?.objective as number)).toBeLessThanOrEqual(1e-6);
  await page.screenshot({ path: testInfo.outputPath('model-sweep.png') });
  // Both themes: the panel takes its colours from the theme variables.
  const background = (el: unknown) =>
    (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el)
      .backgroundColor;
  const light = await panel.evaluate(background);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => panel.evaluate(background)).not.toBe(light);
  await page.screenshot({ path: testInfo.outputPath('model-sweep-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
});

test('three reference MPS files as a batch: count 3, results match reference.json', async ({ page }, testInfo) => {
  const names = ['afiro', 'adlittle', 'blending'];
  const panel = page.getByTestId('model-panel');
  await panel.getByTestId('model-file-input').setInputFiles(names.map((n) => path.join(MODELS, 'lp', `${n}.mps`)));
  await expect(panel.getByTestId('batch-list')).toBeVisible();
  await expect(panel.getByTestId('model-preview')).toHaveAttribute('data-count', '3');
  await panel.getByTestId('model-engine').selectOption('glpk');
  await expect(panel.getByTestId('model-preview')).toHaveAttribute('data-count', '3');
  await startRun(page, panel.getByTestId('model-start'));
  await expect(page.getByTestId('progress').getByRole('heading')).toHaveText('3 models');
  expect(await waitForEnd(page)).toBe('done');
  await expect(page.getByTestId('results-count')).toHaveAttribute('data-count', '3');
  // The table shows engine, status and objective for model jobs.
  const table = page.getByTestId('results-table');
  await expect(table.getByRole('columnheader', { name: /engine/i })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: /status/i })).toBeVisible();

  const results = await exportedResults(page, testInfo);
  expect(results.map((r) => r.label).sort()).toEqual(names.map((n) => `${n}.mps`).sort());
  for (const r of results) {
    const ref = reference[r.label.replace(/\.mps$/, '')];
    expect(ref, r.label).toBeDefined();
    expect(r.status, r.label).toBe(ref?.status);
    expect(r.engine, r.label).toBe('glpk');
    expect(relErr(r.objective, ref?.objective as number), r.label).toBeLessThanOrEqual(1e-6);
  }
});

test('a corrupt LP file shows a located error in place', async ({ page }) => {
  const panel = page.getByTestId('model-panel');
  await panel.getByTestId('model-file-input').setInputFiles({
    name: 'corrupt.lp',
    mimeType: 'text/plain',
    buffer: Buffer.from('Minimize\n obj: x + y\nSubject To\n c1: x + 2 y >= oops\nEnd\n'),
  });
  const error = panel.getByTestId('model-error');
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute('role', 'alert');
  await expect(error).toContainText(/corrupt\.lp:4/);
  await expect(panel.getByTestId('model-start')).toHaveCount(0);
});

test('a folder of models makes a batch; a gzipped model is read in the page', async ({ page }) => {
  const panel = page.getByTestId('model-panel');
  // The folder input hands the page every file of the folder (webkitdirectory).
  const folder = path.join(MODELS, 'infeasible');
  const inFolder = readdirSync(folder).filter((f) => /\.(lp|mps)$/.test(f)).length;
  await panel.getByTestId('model-folder-input').setInputFiles(folder);
  await expect(panel.getByTestId('batch-list')).toBeVisible();
  await expect(panel.getByTestId('model-preview')).toHaveAttribute('data-count', String(inFolder));
  await expect(panel.getByRole('heading', { name: /Models: infeasible/ })).toBeVisible();

  // .mps.gz as MIPLIB ships them: decompressed by the page, then inspected by the farm.
  await panel.getByTestId('model-file-input').setInputFiles({
    name: 'afiro.mps.gz',
    mimeType: 'application/gzip',
    buffer: gzipSync(readFileSync(path.join(MODELS, 'lp', 'afiro.mps'))),
  });
  await expect(panel.getByTestId('model-summary').getByTestId('summary-variables')).toHaveText('32');
  await expect(panel.getByRole('heading', { name: 'Models: afiro.mps' })).toBeVisible();
});

test.describe('desktop shell glue (window.farmShell, as the Electron preload exposes it)', () => {
  test.beforeEach(async ({ page }) => {
    // A stand-in for the preload's bridge: the test delivers what the main process would send.
    await page.addInitScript(() => {
      const w = globalThis as unknown as Record<string, unknown>;
      w.farmShell = {
        onOpenFile: (listener: unknown) => {
          w.__shellOpen = listener;
          return () => {};
        },
        onMenu: (listener: unknown) => {
          w.__shellMenu = listener;
          return () => {};
        },
      };
    });
    await page.reload();
    await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'open');
  });

  test('an opened file becomes the chosen job without starting; the menu starts it and opens Status', async ({
    page,
  }) => {
    const job = {
      kind: 'batch',
      models: [{ name: 'afiro.mps', text: readFileSync(path.join(MODELS, 'lp', 'afiro.mps'), 'utf8') }],
    };
    await page.evaluate(
      (opened) => (globalThis as unknown as { __shellOpen: (m: unknown) => void }).__shellOpen(opened),
      {
        ok: true,
        name: 'afiro-batch.sfjob',
        source: '/somewhere/afiro-batch.sfjob',
        role: 'job',
        job,
      },
    );
    const picker = page.getByLabel('Job', { exact: true });
    await expect(picker).toHaveValue('file');
    await expect(picker.locator('option[value="file"]')).toHaveText('afiro-batch.sfjob');
    // Chosen, not started.
    await page.waitForTimeout(500);
    await expect(page.getByTestId('progress')).not.toHaveAttribute('data-run-state', /^(starting|running)$/);
    await expect(page.getByTestId('results-count')).not.toHaveAttribute('data-count', '1');

    const menu = (command: string) =>
      page.evaluate((c) => (globalThis as unknown as { __shellMenu: (c: string) => void }).__shellMenu(c), command);
    await menu('start');
    await expect(page.getByTestId('progress').getByRole('heading')).toHaveText(/afiro-batch/);
    expect(await waitForEnd(page)).toBe('done');
    await expect(page.getByTestId('results-count')).toHaveAttribute('data-count', '1');
    await menu('status');
    await expect(page.getByRole('dialog')).toBeVisible();
  });

  test('a file that could not be opened shows its error in place', async ({ page }) => {
    await page.evaluate(() =>
      (globalThis as unknown as { __shellOpen: (m: unknown) => void }).__shellOpen({
        ok: false,
        error: '/tmp/notes.txt: Solver Farm opens job files (.sfjob, .json) and models (.lp, .mps), not this file.',
      }),
    );
    await expect(page.getByTestId('toolbar-error')).toContainText('notes.txt: Solver Farm opens job files');
  });
});
