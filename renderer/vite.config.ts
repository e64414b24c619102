import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
// The page's policy, from the one source the Electron window and `serve` use too.
import { contentSecurityPolicyPlugins } from '../vite-csp.ts';

/**
 * The control panel's build. Kept plain on purpose: the Electron Forge config reuses it for
 * the desktop window, and `solver-farm serve` serves its output (`dist/renderer/`) in
 * browser mode. A relative base lets the same files load from `file://` and from any path.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), contentSecurityPolicyPlugins()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
});
