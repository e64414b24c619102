/**
 * The window's security settings (DESIGN 'Shells', Electron's security checklist):
 * isolated sandboxed page without Node, a strict CSP, no navigation, no new windows,
 * no permissions, no devices. Nothing here ever calls shell.openExternal.
 */
import type { Session, WebContents, WebPreferences } from 'electron';
import { contentSecurityPolicy as policyFor } from '../solver/farm/csp.ts';

/**
 * The Content-Security-Policy header value of the window (solver/farm/csp.ts, the one source
 * `serve` and the page's meta tag use too). Under `electron-forge start` the page comes from
 * the Vite dev server: only then are that origin, its ws:// twin and inline scripts allowed.
 */
export function contentSecurityPolicy(devServerUrl?: string): string {
  return policyFor({ devServerUrl });
}

/** webPreferences of every window: the page gets `window.farm` from the preload and nothing else. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

/**
 * Session-wide rules: the CSP header on every document the session loads (the page also
 * carries the same policy in a meta tag, and app:// responses carry it themselves, see
 * app-protocol.ts), every permission request or check refused, and no device (HID, serial,
 * USB) ever: no standing permission, and each device picker answered with no device. The
 * permission handlers already refuse the pickers' own permissions; the picker listeners are
 * there so that a picker can never choose a device by default.
 */
export function hardenSession(session: Session, csp: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = { ...(details.responseHeaders ?? {}) };
    for (const name of Object.keys(responseHeaders)) {
      if (name.toLowerCase() === 'content-security-policy') delete responseHeaders[name];
    }
    responseHeaders['Content-Security-Policy'] = [csp];
    responseHeaders['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders });
  });
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  session.on('select-serial-port', (event, _ports, _webContents, callback) => {
    event.preventDefault();
    callback('');
  });
  session.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
}

/**
 * Per-page rules: navigation anywhere but the app's own page is cancelled — in the main
 * frame, and in any sub-frame at all (`will-frame-navigate` sees those; the app has no
 * frames) — every window.open is denied, <webview> cannot be attached, and Web Bluetooth's
 * device picker gets no device. Applied to every WebContents the app creates (app
 * 'web-contents-created'), not just the main window.
 */
export function hardenWebContents(contents: WebContents, isAppUrl: (url: string) => boolean): void {
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame || !isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // Without preventDefault Electron picks the first device it finds; '' picks none.
  contents.on('select-bluetooth-device', (event, _devices, callback) => {
    event.preventDefault();
    callback('');
  });
}
