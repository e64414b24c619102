/**
 * The access token never reaches another origin, not even another port of 127.0.0.1 (cookies
 * ignore ports: a token in a cookie would go to every local dev server, Jupyter…). Real
 * Chromium opens the printed URL, then goes on to a page served on another port that records
 * every request it gets and looks for the token wherever a page can: cookies, storage, a
 * fetch and a WebSocket to the farm's port. The panel itself keeps working after a reload.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { farmToken, farmUrl, openPanel } from './helpers.ts';

/** What the other origin's page can find out, run in that page. */
const PROBE = `<!doctype html><title>another local service</title><script>
window.probe = async (farm) => {
  const out = { cookie: document.cookie, session: JSON.stringify({ ...sessionStorage }),
    local: JSON.stringify({ ...localStorage }), referrer: document.referrer, fetch: '', ws: '' };
  try {
    const res = await fetch(farm + '/', { credentials: 'include' });
    out.fetch = res.status + ' ' + (await res.text());
  } catch (e) { out.fetch = String(e); }
  out.ws = await new Promise((resolve) => {
    const ws = new WebSocket(farm.replace('http', 'ws') + '/farm');
    const seen = [];
    ws.onmessage = (m) => seen.push(String(m.data));
    ws.onopen = () => seen.push('open');
    ws.onclose = (e) => resolve(seen.concat('closed ' + e.code + ' ' + e.reason).join('\\n'));
  });
  return out;
};
</script>`;

interface Recorded {
  url: string | undefined;
  headers: IncomingMessage['headers'];
}

let other: Server;
let otherUrl: string;
const recorded: Recorded[] = [];

test.beforeAll(async () => {
  other = createServer((req, res) => {
    recorded.push({ url: req.url, headers: req.headers });
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(req.url === '/favicon.ico' ? '' : PROBE);
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => other.close(() => resolve()));
});

test('the access token reaches no other origin, not even another port of 127.0.0.1', async ({ page, context }) => {
  const token = farmToken();
  const farm = new URL(farmUrl()).origin;
  await openPanel(page);
  // Out of the address bar (not bookmarked, shared or shown), yet a reload (F5) still connects.
  expect(page.url()).not.toContain(token);
  await page.reload();
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'open');
  expect(page.url()).not.toContain(token);

  // The farm's page navigates to the other service itself, as following a link would.
  await page.evaluate((url) => {
    (globalThis as unknown as { location: { href: string } }).location.href = url;
  }, otherUrl);
  await page.waitForURL(otherUrl);
  const seen = await page.evaluate(
    (origin) => (globalThis as unknown as { probe(f: string): Promise<unknown> }).probe(origin),
    farm,
  );
  // A second tab of the same browser on that service, opened fresh.
  const second = await context.newPage();
  await second.goto(`${otherUrl}?second`);
  const seenFresh = await second.evaluate(
    (origin) => (globalThis as unknown as { probe(f: string): Promise<unknown> }).probe(origin),
    farm,
  );

  expect(recorded.length).toBeGreaterThanOrEqual(2);
  expect(JSON.stringify(recorded), 'requests the other service received').not.toContain(token);
  expect(recorded.map((r) => r.headers.cookie).filter(Boolean)).toEqual([]);
  expect(JSON.stringify(seen), 'what the other page could read').not.toContain(token);
  expect(JSON.stringify(seenFresh)).not.toContain(token);
  // Its WebSocket to the farm was refused (foreign Origin, no token), never opened.
  expect((seen as { ws: string }).ws).toMatch(/^closed 1006/);
  expect(JSON.stringify(await context.cookies()), 'cookies of the browser').not.toContain(token);
});

test('a page without a valid token says to open the printed URL', async ({ page }) => {
  const bare = new URL(farmUrl());
  bare.hash = '#token=not-the-token-of-this-server';
  await page.goto(bare.href);
  const detail = page.getByTestId('connection-detail');
  await expect(detail).toContainText("Open the URL that 'solver-farm serve' printed");
  await expect(page.getByTestId('connection')).not.toHaveAttribute('data-state', 'open');
});

test('an address with the token in its query (as older versions printed) still connects, then drops it', async ({
  page,
}) => {
  const token = farmToken();
  const legacy = new URL(farmUrl());
  legacy.hash = '';
  legacy.searchParams.set('token', token);
  await page.goto(legacy.href);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'open');
  expect(page.url()).not.toContain(token);
});

test('pasting the printed URL into a tab with a stale token reloads it with the new one', async ({ page }) => {
  // A tab holding a token the server does not know (say, from before a restart)…
  const stale = new URL(farmUrl());
  stale.hash = '#token=a-token-from-an-earlier-server';
  await page.goto(stale.href);
  await expect(page.getByTestId('connection')).not.toHaveAttribute('data-state', 'open');
  // …given the printed URL: only the fragment changes, which loads nothing by itself.
  await page.goto(farmUrl());
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'open');
  expect(page.url()).not.toContain(farmToken());
});
