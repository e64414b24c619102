/**
 * The real desktop app, driven by Playwright's Electron support: the window opens on the
 * control panel, Start runs the default job (the Wyndor sweep) with log lines arriving
 * in the core cards, Terminate stops a running job. Runs wherever an Electron binary can be
 * started; elsewhere every test is reported as skipped with the reason (electron-binary.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, expect, type Page, test } from '@playwright/test';
import { buildBundles } from '../../electron/build-bundles.ts';
import { findElectronBinary } from './electron-binary.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const binary = findElectronBinary();
// The list reporter shows skips without their reason: say it once, plainly.
if (!binary.ok) console.warn(`Electron app tests skipped: ${binary.reason}`);

test.describe('desktop app (Electron)', () => {
  test.skip(!binary.ok, binary.ok ? '' : binary.reason);
  test.describe.configure({ mode: 'serial' });

  let app: ElectronApplication;
  let page: Page;
  let userData: string;

  test.beforeAll(async () => {
    if (!binary.ok) return;
    await buildBundles({ log: () => {} });
    userData = mkdtempSync(path.join(os.tmpdir(), 'solver-farm-electron-'));
    app = await _electron.launch({
      executablePath: binary.executablePath,
      // Chromium refuses its OS sandbox as root (CI containers); the page sandbox stays on.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ROOT],
      env: { ...process.env, SOLVER_FARM_USER_DATA: userData },
    });
    page = await app.firstWindow();
  });

  test.afterAll(async () => {
    await app?.close();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  test('opens one window on the control panel, isolated from Node', async () => {
    await expect(page).toHaveTitle(/Solver Farm/);
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    expect(await page.evaluate(() => Object.keys((globalThis as unknown as { farm: object }).farm).sort())).toEqual([
      'examples',
      'start',
      'status',
      'subscribe',
      'terminate',
    ]);
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const w = BrowserWindow.getAllWindows()[0];
      return w ? { count: BrowserWindow.getAllWindows().length, opened: w.webContents.getURL() } : null;
    });
    expect(prefs?.count).toBe(1);
    // Served over app:// from .vite/renderer/main_window/ (electron/app-protocol.ts), not file://.
    expect(prefs?.opened).toBe('app://main_window/index.html');
  });

  test('denies window.open and navigation away from the app', async () => {
    // Page globals, typed loosely: this file is type-checked without the DOM library.
    type PageGlobals = { open(url: string, target: string): unknown; location: { href: string } };
    await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com/', '_blank'));
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(app.windows()).toHaveLength(1);
    expect(page.url()).toMatch(/index\.html/);
  });

  test('Start runs the Wyndor sweep: log lines arrive and results fill', async () => {
    const start = page.getByTestId('start');
    await expect(start).toBeEnabled();
    await start.click();
    await expect(page.getByTestId('log-line').first()).toBeVisible();
    await expect(page.getByTestId('progress')).toHaveAttribute('data-run-state', 'done', { timeout: 60_000 });
    await expect(page.getByTestId('results-count')).toHaveAttribute('data-count', '901');
  });

  test('Terminate stops a running job', async () => {
    await page.locator('select').first().selectOption({ value: 'example:tsp-berlin52' });
    await page.getByTestId('start').click();
    await expect(page.getByTestId('progress')).toHaveAttribute('data-run-state', 'running');
    const terminate = page.getByTestId('terminate');
    await terminate.click();
    if ((await page.getByTestId('progress').getAttribute('data-run-state')) === 'stopping') await terminate.click();
    await expect(page.getByTestId('progress')).toHaveAttribute('data-run-state', /stopped|done/, { timeout: 30_000 });
  });
});
