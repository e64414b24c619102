/**
 * The `app://` scheme that serves the packaged page (see app-url.ts for why not file://).
 * Registered as privileged before 'ready' (Electron allows it only then, once), and handled
 * after it by reading files from the renderer's build folder — that folder only: any path
 * that could leave it (`..`, encoded dots or separators, backslashes, drive letters, NUL) is
 * refused before the file system is touched. Files are read with node:fs, which Electron
 * lets read inside app.asar, where the packaged renderer lives.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CustomScheme, Protocol } from 'electron';
import { APP_SCHEME } from './app-url.ts';

/**
 * `standard`: parsed like http (a real origin, relative URLs resolve); `secure`: a secure
 * context like https; `supportFetchAPI` and `codeCache` as for a web page. Deliberately not
 * `bypassCSP`, `corsEnabled` or `allowServiceWorkers`: the page needs none of them.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** Before app 'ready' (Electron ignores a later call): make app:// a privileged scheme. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

/** What a Vite build of the renderer holds; with `nosniff`, a wrong type would stop a module script. */
const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface AppFilesOptions {
  /** The renderer's build folder (.vite/renderer/<name>/). */
  root: string;
  /** The URL host the page is served under (app-url.ts). */
  host: string;
  /** Content-Security-Policy of every response (the session's header hook may not see custom schemes). */
  csp: string;
}

/**
 * The file a URL path names inside `root`, or null when the path is malformed or names
 * anything that could lead elsewhere. Refused, not normalised: no request of the app's own
 * page ever contains such a path.
 */
function fileFor(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  // Both separators on every platform: an encoded backslash is a separator on Windows.
  const segments = decoded.split(/[\\/]/).filter((segment) => segment !== '');
  if (segments.some((s) => s === '.' || s === '..' || s.includes('\0') || s.includes(':'))) return null;
  const file = path.join(root, ...(segments.length === 0 ? ['index.html'] : segments));
  const relative = path.relative(root, file);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    return null;
  }
  return file;
}

function status(code: 400 | 404 | 405): Response {
  return new Response(null, { status: code });
}

/** The protocol.handle handler of app://. */
export function appFilesHandler(
  options: AppFilesOptions,
): (request: { url: string; method: string }) => Promise<Response> {
  const root = path.resolve(options.root);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return status(405);
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return status(400);
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== options.host || url.username !== '' || url.password !== '') {
      return status(404);
    }
    const file = fileFor(root, url.pathname);
    if (file === null) return status(400);
    try {
      if (!(await stat(file)).isFile()) return status(404);
      const body = request.method === 'HEAD' ? null : await readFile(file);
      return new Response(body, {
        status: 200,
        headers: {
          'Content-Type': MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
          'Content-Security-Policy': options.csp,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return status(404);
    }
  };
}

/** After app 'ready': serve the renderer's build folder over app://. */
export function serveAppFiles(protocol: Pick<Protocol, 'handle'>, options: AppFilesOptions): void {
  protocol.handle(APP_SCHEME, appFilesHandler(options));
}
