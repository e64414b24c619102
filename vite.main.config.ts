/**
 * Main-process bundle (.vite/build/main.cjs). Forge's Vite plugin supplies the entry, the
 * CommonJS lib format and the externals (electron, Node built-ins); see forge.config.ts.
 */
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const noEngine = path.resolve(import.meta.dirname, 'electron/no-engine.ts');

/**
 * Keep `new URL('…', import.meta.url)` a run-time path. Vite's client build treats it as
 * an asset reference and, in library mode, inlines it as a data: URL — so the farm's
 * `fileURLToPath(new URL('../../examples/', import.meta.url))` default would throw when
 * main.cjs loads. Rewritten to the bundle's own file URL, it resolves relative to main.cjs
 * (harmless; the shell passes its own paths anyway).
 */
function runtimeModuleUrls(): Plugin {
  const pattern = /(new\s+URL\s*\(\s*(['"`])[^'"`]*\2\s*,\s*)import\.meta\.url(\s*\))/g;
  return {
    name: 'solver-farm:runtime-module-urls',
    enforce: 'pre',
    transform(code, id) {
      if (id.includes('node_modules') || !code.includes('import.meta.url')) return null;
      const out = code.replace(pattern, '$1require("node:url").pathToFileURL(__filename).href$3');
      return out === code ? null : { code: out, map: null };
    },
  };
}

export default defineConfig({
  plugins: [runtimeModuleUrls()],
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
