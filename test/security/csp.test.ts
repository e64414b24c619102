/**
 * The Content-Security-Policy, enforced by a real browser: the production control panel
 * (built from renderer/vite.config.ts into a scratch folder) is served by solver/serve and
 * opened in Debian's Chromium. A <script> from another origin injected into the page is
 * refused (a securitypolicyviolation event, never fetched, never run), and so are inline
 * script and inline event handlers — while the same foreign script does run in a page without the policy,
 * so the test can tell the difference. The policy is the Electron window's too
 * (electron/security.ts); test/electron-unit/security.test.ts checks it reaches every response there.
 * All of them come from solver/farm/csp.ts: the built page's meta tag, and the Vite dev server's
 * header, under which the panel still renders (React's refresh preamble is an inline script).
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build, createServer as createViteServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../electron/security.ts';
import type { FarmStatus } from '../../solver/api.ts';
import { contentSecurityPolicy as policy } from '../../solver/farm/csp.ts';
import { type ClosableFarm, SERVE_CSP, type ServeHandle, serve } from '../../solver/serve/index.ts';

/*
 * The in-page code below runs in Chromium (page.evaluate). The project's tsconfig is Node's,
 * without the DOM library: these module-scoped declarations type the few browser globals it
 * uses, without making DOM types global for the rest of the project.
 */
interface PageElement {
  textContent: string | null;
  innerHTML: string;
  src: string;
  childElementCount: number;
  onload: (() => void) | null;
  onerror: (() => void) | null;
  append(child: PageElement): void;
}
interface PolicyViolation {
  blockedURI: string;
  effectiveDirective: string;
}
declare const document: {
  head: PageElement;
  body: PageElement;
  createElement(tag: string): PageElement;
  getElementById(id: string): PageElement | null;
  addEventListener(type: 'securitypolicyviolation', listener: (event: PolicyViolation) => void): void;
};
declare const window: object;

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A farm that does nothing: this test is about the page, not the solvers. */
function idleFarm(): ClosableFarm {
  const status: FarmStatus = { state: 'idle', run: null, solvers: [], progress: null, terminate: 'none', at: 0 };
  return {
    start: () => Promise.reject(new Error('not in this test')),
    terminate: () => Promise.resolve('none'),
    status: () => Promise.resolve({ ...status, at: Date.now() }),
    examples: () => Promise.resolve([]),
    runs: () => Promise.resolve([]),
    openRun: () => Promise.reject(new Error('not in this test')),
    resume: () => Promise.reject(new Error('not in this test')),
    inspectModel: () => Promise.reject(new Error('not in this test')),
    preview: () => Promise.reject(new Error('not in this test')),
    subscribe: () => () => {},
    close: () => Promise.resolve(),
  };
}

/** Another origin: serves /x.js (which marks the page) and a policy-free page, and counts requests. */
function foreignOrigin(): Promise<{ server: Server; port: number; scriptRequests: () => number }> {
  let scripts = 0;
  const server = createServer((req, res) => {
    if (req.url === '/x.js') {
      scripts++;
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Access-Control-Allow-Origin': '*' });
      res.end('window.__foreignScriptRan = true;');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>no policy</title><p>control page</p>');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port, scriptRequests: () => scripts }),
    );
  });
}

/** Inject `<script src=url>` and report what happened: ran, a CSP violation, or a load error. */
function injectScript(page: Page, url: string) {
  return page.evaluate(
    (src) =>
      new Promise<{ ran: boolean; violation: { blockedURI: string; directive: string } | null; error: boolean }>(
        (resolve) => {
          let violation: { blockedURI: string; directive: string } | null = null;
          document.addEventListener('securitypolicyviolation', (e) => {
            violation = { blockedURI: e.blockedURI, directive: e.effectiveDirective };
          });
          const script = document.createElement('script');
          const done = (error: boolean) =>
            // Let a queued violation event arrive before answering.
            setTimeout(
              () =>
                resolve({
                  ran: (window as unknown as { __foreignScriptRan?: boolean }).__foreignScriptRan === true,
                  violation,
                  error,
                }),
              100,
            );
          script.onload = () => done(false);
          script.onerror = () => done(true);
          script.src = src;
          document.head.append(script);
        },
      ),
    url,
  );
}

describe('Content-Security-Policy in Chromium', () => {
  const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'solver-farm-csp-renderer-'));
  let handle: ServeHandle;
  let foreign: Awaited<ReturnType<typeof foreignOrigin>>;
  let browser: Browser;

  beforeAll(async () => {
    await build({
      configFile: path.join(ROOT, 'renderer', 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: rendererDir, emptyOutDir: true, sourcemap: false },
    });
    handle = await serve({ port: 0, rendererDir, farm: idleFarm(), log: () => {} });
    foreign = await foreignOrigin();
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await handle?.close();
    await new Promise<void>((resolve) => (foreign ? foreign.server.close(() => resolve()) : resolve()));
    rmSync(rendererDir, { recursive: true, force: true });
  });

  it("is the Electron window's policy as well as browser mode's", () => {
    expect(SERVE_CSP).toBe(contentSecurityPolicy());
  });

  it("is the built page's meta policy too, less the directives a meta tag cannot carry", () => {
    const html = readFileSync(path.join(rendererDir, 'index.html'), 'utf8');
    // Vite writes the attribute with its quotes as character references.
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/
      .exec(html)?.[1]
      ?.replaceAll('&#39;', "'");
    expect(meta).toBe(policy({ delivery: 'meta' }));
    expect(`${meta}; frame-ancestors 'none'`).toBe(SERVE_CSP);
  });

  it("is the Vite dev server's policy, with the dev server's allowances, and the panel renders under it", async () => {
    const server = await createViteServer({
      configFile: path.join(ROOT, 'renderer', 'vite.config.ts'),
      logLevel: 'warn',
      server: { port: 0, host: '127.0.0.1', strictPort: false },
    });
    const page = await browser.newPage();
    try {
      await server.listen();
      const url = server.resolvedUrls?.local[0] as string;
      const refused: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
      });
      const response = await page.goto(url);
      expect(response?.headers()['content-security-policy']).toBe(contentSecurityPolicy(url));
      await page.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0, null, {
        timeout: 60_000,
      });
      expect(refused).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  }, 120_000);

  it('blocks a <script> from another origin: reported, never fetched, never run', async () => {
    const page = await browser.newPage();
    try {
      const response = await page.goto(handle.url);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toBe(SERVE_CSP);
      // The app's own scripts run under the policy: the panel renders.
      await page.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0, null, {
        timeout: 30_000,
      });
      const src = `http://127.0.0.1:${foreign.port}/x.js`;
      const outcome = await injectScript(page, src);
      expect(outcome.ran).toBe(false);
      expect(outcome.error).toBe(true);
      expect(outcome.violation).toEqual({ blockedURI: src, directive: 'script-src-elem' });
      expect(foreign.scriptRequests()).toBe(0);
    } finally {
      await page.close();
    }
  }, 60_000);

  it('blocks inline script and inline event handlers', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(handle.url);
      const result = await page.evaluate(
        () =>
          new Promise<{ ran: string[]; violations: string[] }>((resolve) => {
            const violations: string[] = [];
            document.addEventListener('securitypolicyviolation', (e) => {
              violations.push(`${e.effectiveDirective} ${e.blockedURI}`);
            });
            const script = document.createElement('script');
            script.textContent = 'window.__inlineRan = true;';
            document.head.append(script);
            // An injected attribute handler, as an HTML injection would bring.
            const holder = document.createElement('div');
            holder.innerHTML =
              '<img src="data:," onerror="window.__handlerRan = true" onload="window.__handlerRan = true">';
            document.body.append(holder);
            setTimeout(() => {
              const w = window as unknown as { __inlineRan?: boolean; __handlerRan?: boolean };
              resolve({
                ran: [w.__inlineRan ? 'inline script' : '', w.__handlerRan ? 'event handler' : ''].filter(Boolean),
                violations: violations.sort(),
              });
            }, 300);
          }),
      );
      expect(result.ran).toEqual([]);
      expect(result.violations).toContain('script-src-elem inline');
      expect(result.violations).toContain('script-src-attr inline');
    } finally {
      await page.close();
    }
  }, 60_000);

  it('control: without the policy, the same foreign script is fetched and runs', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${foreign.port}/page.html`);
      const before = foreign.scriptRequests();
      const outcome = await injectScript(page, `http://127.0.0.1:${foreign.port}/x.js`);
      expect(outcome).toEqual({ ran: true, violation: null, error: false });
      expect(foreign.scriptRequests()).toBe(before + 1);
    } finally {
      await page.close();
    }
  }, 60_000);
});
