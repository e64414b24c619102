/**
 * Main-process bundle (.vite/build/main.cjs). Forge's Vite plugin supplies the entry, the
 * CommonJS lib format and the externals (electron, Node built-ins); see forge.config.ts.
 */
import path from 'node:path';
import { defineConfig } from 'vite';

const noEngine = path.resolve(import.meta.dirname, 'electron/no-engine.ts');

export default defineConfig({
  resolve: {
    // The main process never solves (see electron/no-engine.ts): keep the engines out.
    alias: [
      { find: /^glpk\.js(\/node)?$/, replacement: noEngine },
      { find: /^highs$/, replacement: noEngine },
    ],
  },
  build: {
    sourcemap: true,
    // Solver Farm ships with Electron 45 (Node 22, Chromium 140).
    target: 'node22',
  },
});
