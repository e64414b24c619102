/**
 * The control panel's Content-Security-Policy as Vite applies it, from the one source
 * (solver/farm/csp.ts): a meta tag in production builds, for a page opened without our
 * headers, and a header on every dev server response, with the dev server's own allowances
 * (the same policy Electron puts on the dev page under `electron-forge start`). Build tooling:
 * renderer/vite.config.ts uses it; the page's own code never imports it.
 */
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './solver/farm/csp.ts';

export function contentSecurityPolicyPlugins(): Plugin[] {
  return [
    {
      name: 'solver-farm-csp-meta',
      apply: 'build',
      transformIndexHtml: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ delivery: 'meta' }) },
          injectTo: 'head-prepend',
        },
      ],
    },
    {
      name: 'solver-farm-csp-dev-server',
      apply: 'serve',
      configureServer(server) {
        server.middlewares.use((_req, res, next) => {
          // Known once the server listens; the policy allows exactly that origin.
          const url = server.resolvedUrls?.local[0];
          if (url !== undefined) res.setHeader('Content-Security-Policy', contentSecurityPolicy({ devServerUrl: url }));
          next();
        });
      },
    },
  ];
}
