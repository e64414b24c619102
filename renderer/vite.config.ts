import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Content Security Policy for the built page. Only added to production builds: the dev
 * server's React refresh preamble is an inline script, which this policy (rightly) refuses.
 * `connect-src 'self'` covers the same-origin WebSocket of browser mode.
 */
const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'solver-farm-csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: csp }, injectTo: 'head-prepend' },
    ],
  };
}

/**
 * The control panel's build. Kept plain on purpose: the Electron Forge config reuses it for
 * the desktop window, and `solver-farm serve` serves its output (`dist/renderer/`) in
 * browser mode. A relative base lets the same files load from `file://` and from any path.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
});
