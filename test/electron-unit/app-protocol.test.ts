/**
 * electron/app-protocol.ts: the packaged page is served over `app://main_window/…` from the
 * renderer's build folder and from nowhere else — no way out of the folder by `..`, encoded
 * `..`, encoded slashes or backslashes, absolute paths or another host; directories and
 * missing files are 404; every file has its MIME type (module scripts need a JavaScript one
 * under `nosniff`) and the CSP header.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electron);

const { APP_SCHEME_PRIVILEGES, appFilesHandler, registerAppScheme } = await import('../../electron/app-protocol.ts');

const work = mkdtempSync(path.join(os.tmpdir(), 'app-protocol-'));
const root = path.join(work, 'renderer', 'main_window');
mkdirSync(path.join(root, 'assets'), { recursive: true });
writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Solver Farm</title>');
writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'export {};');
writeFileSync(path.join(root, 'assets', 'index-abc.css'), 'body{}');
writeFileSync(path.join(root, 'assets', 'index-abc.js.map'), '{}');
writeFileSync(path.join(root, 'assets', 'logo.svg'), '<svg/>');
writeFileSync(path.join(root, 'assets', 'glpk.wasm'), Buffer.from([0, 97, 115, 109]));
writeFileSync(path.join(root, 'assets', 'blob.bin'), 'x');
// Beside the renderer folder: what a traversal would be after.
writeFileSync(path.join(work, 'renderer', 'secret.txt'), 'secret');
writeFileSync(path.join(work, 'secret.txt'), 'secret');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CSP = "default-src 'self'";
const serve = appFilesHandler({ root, host: 'main_window', csp: CSP });
const get = (url: string, method = 'GET') => serve({ url, method });

describe('electron/app-protocol.ts', () => {
  it('registers app:// as a standard, secure scheme, without bypassing the CSP', () => {
    const registered: unknown[] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (schemes) => registered.push(...schemes) });
    expect(registered).toEqual([APP_SCHEME_PRIVILEGES]);
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    });
  });

  it('serves index.html at / and by name, with its MIME type, the CSP and nosniff', async () => {
    for (const url of ['app://main_window/', 'app://main_window/index.html', 'app://main_window/index.html?x=1#y']) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('<title>Solver Farm</title>');
    }
  });

  it('gives every asset its MIME type (unknown ones as opaque bytes)', async () => {
    const types: Record<string, string> = {
      'assets/index-abc.js': 'text/javascript; charset=utf-8',
      'assets/index-abc.css': 'text/css; charset=utf-8',
      'assets/index-abc.js.map': 'application/json; charset=utf-8',
      'assets/logo.svg': 'image/svg+xml',
      'assets/glpk.wasm': 'application/wasm',
      'assets/blob.bin': 'application/octet-stream',
    };
    for (const [file, type] of Object.entries(types)) {
      const response = await get(`app://main_window/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type'), file).toBe(type);
    }
    expect(await (await get('app://main_window/assets/index-abc.js')).text()).toBe('export {};');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://main_window/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get('app://main_window/index.html', 'POST')).status).toBe(405);
  });

  it('is 404 for missing files, folders and other hosts', async () => {
    expect((await get('app://main_window/nope.js')).status).toBe(404);
    expect((await get('app://main_window/assets')).status).toBe(404);
    expect((await get('app://main_window/assets/')).status).toBe(404);
    expect((await get('app://other_window/index.html')).status).toBe(404);
    expect((await get('app://user@main_window/index.html')).status).toBe(404);
    expect((await get('app://main_window:8080/index.html')).status).toBe(404);
  });

  it('never serves a file outside the renderer folder, however the path is spelled', async () => {
    const attempts = [
      // Plain `..` (a URL parser may already have folded these away: then it is a missing file).
      'app://main_window/../secret.txt',
      'app://main_window/assets/../../secret.txt',
      // Encoded dots and separators, which survive URL parsing and only appear when decoded.
      'app://main_window/%2e%2e/secret.txt',
      'app://main_window/..%2fsecret.txt',
      'app://main_window/..%2F..%2Fsecret.txt',
      'app://main_window/assets%2f..%2f..%2fsecret.txt',
      'app://main_window/..%5csecret.txt',
      'app://main_window/..%5c..%5csecret.txt',
      // Absolute paths, encoded or doubled.
      `app://main_window/${encodeURIComponent(path.join(work, 'secret.txt'))}`,
      `app://main_window/${path.join(work, 'secret.txt')}`,
      `app://main_window//${path.join(work, 'secret.txt')}`,
      'app://main_window/C:%5cWindows%5cwin.ini',
      // Malformed escapes and NUL bytes.
      'app://main_window/%E0%A4%A',
      'app://main_window/index.html%00.js',
    ];
    for (const url of attempts) {
      const response = await get(url);
      expect([400, 404], url).toContain(response.status);
      expect(await response.text(), url).not.toContain('secret');
    }
  });

  it('refuses a request it cannot parse', async () => {
    expect((await get('not a url')).status).toBe(400);
    expect((await get('file:///etc/passwd')).status).toBe(404);
  });
});
