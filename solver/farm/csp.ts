/**
 * The control panel's Content-Security-Policy, one source for every place that serves it:
 * the Electron window's session (electron/security.ts), `solver-farm serve`'s responses
 * (serve/index.ts), the production page's meta tag and the Vite dev server (vite-csp.ts).
 * Only the app's own files; no eval, no inline script, no plugins, no forms, no framing.
 * glpk.js in a page would need 'wasm-unsafe-eval'; our solves run in solver processes instead.
 * Plain code without imports: build configs load it too.
 */

/** The production policy, directive by directive. */
const POLICY: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** Directives a `<meta http-equiv>` policy may not carry (browsers ignore them there, with a warning). */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

export interface CspOptions {
  /**
   * The page comes from the Vite dev server at this URL (`electron-forge start`, `vite`): its
   * React refresh preamble is an inline script and its hot reload a WebSocket, so only then
   * are that origin, its ws:// twin and inline scripts allowed.
   */
  devServerUrl?: string | undefined;
  /** Where the policy goes: an HTTP header (default) or the page's meta tag. */
  delivery?: 'header' | 'meta';
}

/** The Content-Security-Policy value. */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  const policy = Object.entries(POLICY).map(([directive, sources]): [string, string[]] => [directive, [...sources]]);
  if (options.devServerUrl !== undefined) {
    const origin = new URL(options.devServerUrl).origin;
    const ws = origin.replace(/^http/, 'ws');
    for (const [directive, sources] of policy) {
      if (directive === 'script-src') sources.push(origin, "'unsafe-inline'");
      if (directive === 'connect-src') sources.push(origin, ws);
    }
  }
  return policy
    .filter(([directive]) => options.delivery !== 'meta' || !HEADER_ONLY.has(directive))
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
    .join('; ');
}
