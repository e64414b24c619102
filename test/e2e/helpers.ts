/** Shared steps of the e2e tests: open the panel, pick jobs, wait for runs to end. */
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import WebSocket from 'ws';
import type { WsServerMessage } from '../../solver/api.ts';

export const FIXTURES = path.join(import.meta.dirname, 'fixtures');

/** The URL `solver-farm serve` printed (global-setup.ts). */
export function farmUrl(): string {
  const url = process.env.FARM_URL;
  if (!url)
    throw new Error(
      'FARM_URL is not set: run these tests through playwright.config.ts (its global setup starts the server).',
    );
  return url;
}

/** The access token, from the fragment of the printed URL (`#token=…`). */
export function farmToken(): string {
  const token = new URLSearchParams(new URL(farmUrl()).hash.slice(1)).get('token');
  if (!token) throw new Error(`FARM_URL has no #token=…: ${farmUrl()}`);
  return token;
}

/** Calls one FarmApi verb over the server's WebSocket, as the page does. */
export async function farmCall<T>(verb: string, ...args: unknown[]): Promise<T> {
  const page = new URL(farmUrl());
  const token = farmToken();
  const ws = new WebSocket(`ws://${page.host}/farm?token=${encodeURIComponent(token)}`, { origin: page.origin });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return await new Promise<T>((resolve, reject) => {
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as WsServerMessage;
        if (msg.type !== 'reply' || msg.id !== 1) return;
        if (msg.ok) resolve(msg.value as T);
        else reject(new Error(msg.error.message));
      });
      ws.send(JSON.stringify({ id: 1, verb, args }));
    });
  } finally {
    ws.close();
  }
}

/**
 * Presses a Start button and waits until the panel shows the run it started. A fresh page
 * shows the farm's last run (usually finished) until the new run's first event, so waiting
 * for an ended state right after the click could see the old run. Returns the new run id.
 */
export async function startRun(page: Page, button?: Locator): Promise<string> {
  const before = (await farmCall<{ run: { runId: string } | null }>('status')).run?.runId ?? '';
  await (button ?? page.getByTestId('start')).click();
  const progress = page.getByTestId('progress');
  let id = '';
  await expect
    .poll(
      async () => {
        id = (await progress.getAttribute('data-run-id')) ?? '';
        return id !== '' && id !== before;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  return id;
}

/** Opens the panel and waits until it is connected and the examples are loaded. */
export async function openPanel(page: Page): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A page already on the panel (a beforeEach opened it) would take the printed URL as a mere
  // fragment change: leave first, so this is a fresh load with its own WebSocket.
  if (page.url() !== 'about:blank') await page.goto('about:blank');
  await page.goto(farmUrl());
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'open');
  await expect(page.getByLabel('Job', { exact: true }).locator('option[value^="example:"]').first()).toBeAttached();
  await ensureIdle(page);
  expect(errors, 'uncaught errors in the page').toEqual([]);
}

const ENDED = /^(idle|done|stopped|failed)$/;

/** If an earlier test left a run going, kill it and wait until the farm is idle. */
export async function ensureIdle(page: Page): Promise<void> {
  const progress = page.getByTestId('progress');
  const terminate = page.getByTestId('terminate');
  // Press Terminate until the run ends (drain, then force); the button is briefly disabled
  // while a press is in flight, so each click is short and allowed to miss.
  for (let i = 0; i < 10; i++) {
    const state = (await progress.getAttribute('data-run-state')) ?? 'idle';
    if (ENDED.test(state)) return;
    if (state !== 'forcing') await terminate.click({ timeout: 2_000 }).catch(() => {});
    await page.waitForTimeout(500);
  }
  await expect(progress).toHaveAttribute('data-run-state', ENDED, { timeout: 30_000 });
}

/** Picks a built-in example by (part of) its name. */
export async function pickExample(page: Page, name: RegExp): Promise<void> {
  const select = page.getByLabel('Job', { exact: true });
  const options = await select
    .locator('option[value^="example:"]')
    .evaluateAll((els) =>
      els.map((e) => ({ value: (e as unknown as { value: string }).value, label: e.textContent ?? '' })),
    );
  const match = options.find((o) => name.test(o.label));
  if (!match) throw new Error(`no example matches ${name}; offered: ${options.map((o) => o.label).join(' | ')}`);
  await select.selectOption(match.value);
}

/** Opens a job "file" through the toolbar's file input. */
export async function openJobFile(page: Page, name: string, job: unknown): Promise<void> {
  await page.getByTestId('job-file-input').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(job, null, 2)),
  });
  await expect(page.getByLabel('Job', { exact: true })).toHaveValue('file');
}

/** A job document for the chatty fixture kind (absolute module path: the page uploads it). */
export function chattyJob(tasks: number, taskMs: number, quick?: { tasks: number; ms: number }): unknown {
  return {
    kind: 'custom',
    name: `chatty GLPK (${tasks} × ${taskMs} ms)`,
    module: path.join(FIXTURES, 'chatty-kind.ts'),
    spec: { tasks, taskMs, ...(quick ? { quickTasks: quick.tasks, quickMs: quick.ms } : {}) },
  };
}

/** Number of lines a log pane holds. */
export async function logLines(page: Page, testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).getAttribute('data-lines')) ?? '0');
}

/** Waits for the run to reach an end state and returns it. */
export async function waitForEnd(page: Page, timeout = 60_000): Promise<string> {
  const progress = page.getByTestId('progress');
  await expect(progress).toHaveAttribute('data-run-state', /^(done|stopped|failed)$/, { timeout });
  return (await progress.getAttribute('data-run-state')) ?? '';
}

/** Parses RFC 4180 CSV (quoted fields, CRLF) into rows of strings. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
