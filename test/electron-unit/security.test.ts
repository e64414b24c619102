import { describe, expect, it, vi } from 'vitest';
import { electron, FakeWebContents, sessionRecord } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electron);

const { contentSecurityPolicy, hardenSession, hardenWebContents, secureWebPreferences } = await import(
  '../../electron/security.ts'
);
const { appPageUrl, appUrlMatcher } = await import('../../electron/app-url.ts');

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
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
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

  it('denies every device (HID, serial, USB): no standing permission, and every device picker cancelled', () => {
    const session = electron.session.defaultSession;
    // The test above hardened the same session.
    session.removeAllListeners();
    hardenSession(session as never, 'default-src none');
    for (const deviceType of ['hid', 'serial', 'usb']) {
      expect(sessionRecord.devicePermission?.({ deviceType, origin: 'app://main_window' }), deviceType).toBe(false);
    }
    // A picker that is not answered with nothing would pick (or wait) for the page.
    const picks: unknown[][] = [];
    for (const [event, args] of [
      ['select-hid-device', [{ deviceList: [{ deviceId: 'hid-1' }] }]],
      ['select-serial-port', [[{ portId: 'ttyS0' }], {}]],
      ['select-usb-device', [{ deviceList: [{ deviceId: 'usb-1' }] }]],
    ] as const) {
      const e = {
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true;
        },
      };
      expect(session.listenerCount(event), event).toBe(1);
      session.emit(event, e, ...args, (...picked: unknown[]) => picks.push([event, ...picked]));
      expect(e.defaultPrevented, event).toBe(true);
    }
    expect(picks).toEqual([['select-hid-device'], ['select-serial-port', ''], ['select-usb-device']]);
  });

  it('cancels navigation away from the app page, denies window.open and webviews', () => {
    const contents = new FakeWebContents();
    const page = appUrlMatcher({ rendererDir: '/app/.vite/renderer/main_window', host: 'main_window' });
    hardenWebContents(contents as never, page);
    const index = 'app://main_window/index.html';
    const navigate = (url: string, event = 'will-navigate', isMainFrame = true): boolean => {
      const e = {
        url,
        isMainFrame,
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
    expect(navigate('file:///app/.vite/renderer/main_window/index.html')).toBe(true);
    expect(navigate(index)).toBe(false);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: index })).toEqual({ action: 'deny' });
    const attach = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    contents.emit('will-attach-webview', attach);
    expect(attach.defaultPrevented).toBe(true);
  });

  it('cancels frame navigations (will-frame-navigate): any in a sub-frame, and the main frame leaving the app', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never, appUrlMatcher({ rendererDir: '/r/main_window', host: 'main_window' }));
    const navigate = (url: string, isMainFrame: boolean): boolean => {
      const e = {
        url,
        isMainFrame,
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true;
        },
      };
      contents.emit('will-frame-navigate', e);
      return e.defaultPrevented;
    };
    expect(navigate('https://evil.example/', false)).toBe(true);
    expect(navigate('file:///etc/passwd', false)).toBe(true);
    // The app has no frames of its own: not even its own page may load in one.
    expect(navigate('app://main_window/index.html', false)).toBe(true);
    expect(navigate('https://evil.example/', true)).toBe(true);
    expect(navigate('app://main_window/index.html', true)).toBe(false);
  });

  it('cancels Web Bluetooth device pickers', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never, () => true);
    const e = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    const picked: string[] = [];
    contents.emit('select-bluetooth-device', e, [{ deviceId: 'bt-1', deviceName: 'x' }], (id: string) =>
      picked.push(id),
    );
    // Without preventDefault Electron would pick the first device itself.
    expect(e.defaultPrevented).toBe(true);
    expect(picked).toEqual(['']);
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

  it('packaged: the page is app://<renderer>/index.html, and only that document is the app (query and hash aside)', () => {
    const page = {
      rendererDir: '/opt/Solver Farm/resources/app.asar/.vite/renderer/main_window',
      host: 'main_window',
    };
    expect(appPageUrl(page)).toBe('app://main_window/index.html');
    expect(appPageUrl({ devServerUrl: 'http://localhost:5173/' })).toBe('http://localhost:5173/');
    const isApp = appUrlMatcher(page);
    const url = 'app://main_window/index.html';
    expect(isApp(url)).toBe(true);
    expect(isApp(`${url}?a=1#b`)).toBe(true);
    expect(isApp('app://main_window/other.html')).toBe(false);
    expect(isApp('app://main_window/assets/index.html')).toBe(false);
    expect(isApp('app://other/index.html')).toBe(false);
    expect(isApp('app://x@main_window/index.html')).toBe(false);
    expect(isApp('https://main_window/index.html')).toBe(false);
    // The page is never a file:// page any more, not even the built index.html itself.
    expect(isApp('file:///opt/Solver%20Farm/resources/app.asar/.vite/renderer/main_window/index.html')).toBe(false);
  });
});
