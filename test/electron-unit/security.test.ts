import { describe, expect, it, vi } from 'vitest';
import { electron, FakeWebContents, sessionRecord } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electron);

const { contentSecurityPolicy, hardenSession, hardenWebContents, secureWebPreferences } = await import(
  '../../electron/security.ts'
);
const { appUrlMatcher } = await import('../../electron/app-url.ts');

describe('electron/security.ts', () => {
  it('isolates and sandboxes the page, with no Node anywhere', () => {
    const prefs = secureWebPreferences('/app/.vite/build/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/.vite/build/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('has a strict CSP in production and allows only the dev server in development', () => {
    const prod = contentSecurityPolicy();
    expect(prod).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
    const dev = contentSecurityPolicy('http://localhost:5173/');
    expect(dev).toContain("script-src 'self' http://localhost:5173 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173");
    expect(dev).toContain("object-src 'none'");
  });

  it('puts the CSP on every response and denies every permission request and check', () => {
    hardenSession(electron.session.defaultSession as never, 'default-src none');
    let response: unknown;
    sessionRecord.headersListener?.(
      { responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] } },
      (r) => {
        response = r;
      },
    );
    expect(response).toEqual({
      responseHeaders: {
        'Content-Type': ['text/html'],
        'Content-Security-Policy': ['default-src none'],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
    const granted: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) {
      sessionRecord.permissionRequest?.({}, permission, (ok: boolean) => granted.push(ok), {});
    }
    expect(granted).toEqual([false, false, false, false]);
    expect(sessionRecord.permissionCheck?.({}, 'clipboard-read', 'file://', {})).toBe(false);
  });

  it('cancels navigation away from the app page, denies window.open and webviews', () => {
    const contents = new FakeWebContents();
    const index = '/app/.vite/renderer/main_window/index.html';
    hardenWebContents(contents as never, appUrlMatcher({ indexFile: index }));
    const navigate = (url: string, event = 'will-navigate'): boolean => {
      const e = {
        url,
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true;
        },
      };
      contents.emit(event, e);
      return e.defaultPrevented;
    };
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('https://evil.example/', 'will-redirect')).toBe(true);
    expect(navigate(`file://${index}`)).toBe(false);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: `file://${index}` })).toEqual({ action: 'deny' });
    const attach = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    contents.emit('will-attach-webview', attach);
    expect(attach.defaultPrevented).toBe(true);
  });
});

describe('electron/app-url.ts', () => {
  it('matches the dev server by origin only', () => {
    const isApp = appUrlMatcher({ devServerUrl: 'http://localhost:5173' });
    expect(isApp('http://localhost:5173/')).toBe(true);
    expect(isApp('http://localhost:5173/src/main.tsx?x#y')).toBe(true);
    expect(isApp('http://localhost:5174/')).toBe(false);
    expect(isApp('http://127.0.0.1:5173/')).toBe(false);
    expect(isApp('not a url')).toBe(false);
  });

  it('matches exactly the packaged index.html, ignoring query and hash', () => {
    const isApp = appUrlMatcher({
      indexFile: '/opt/Solver Farm/resources/app.asar/.vite/renderer/main_window/index.html',
    });
    const url = 'file:///opt/Solver%20Farm/resources/app.asar/.vite/renderer/main_window/index.html';
    expect(isApp(url)).toBe(true);
    expect(isApp(`${url}?a=1#b`)).toBe(true);
    expect(isApp('file:///opt/Solver%20Farm/resources/app.asar/.vite/renderer/main_window/other.html')).toBe(false);
    expect(isApp('https://opt/Solver%20Farm/resources/app.asar/.vite/renderer/main_window/index.html')).toBe(false);
  });
});
