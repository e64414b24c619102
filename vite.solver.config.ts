/**
 * The solver process entry (.vite/build/solver.mjs), started by utilityProcess.fork.
 *
 * The trap: glpk.js (and highs) load their wasm with `new URL('glpk.wasm', import.meta.url)`.
 * A CommonJS bundle has no import.meta, and a normal (client) Vite build rewrites that URL
 * into an asset — inlined as a data: URL in library mode, which glpk.js cannot read. So this
 * is an SSR build (Vite leaves `new URL(…, import.meta.url)` alone there), emitted as ONE
 * ES module with every dependency bundled in (ssr.noExternal), and the wasm files are
 * copied beside it: at run time `import.meta.url` is solver.mjs's own URL, so the engines
 * find `glpk.wasm` / `highs.wasm` next to it. forge.config.ts unpacks these files from the
 * asar, so they are real files that a plain Node process can read.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);

/** The wasm files the bundled engines expect beside them. */
function engineWasmFiles(): string[] {
  return [
    // Both packages keep the wasm beside their JS entry (their package.json is not exported).
    path.join(path.dirname(require.resolve('glpk.js/node')), 'glpk.wasm'),
    path.join(path.dirname(require.resolve('highs')), 'highs.wasm'),
  ];
}

function copyEngineWasm(): Plugin {
  let outDir = '';
  return {
    name: 'solver-farm:copy-engine-wasm',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    writeBundle() {
      mkdirSync(outDir, { recursive: true });
      for (const file of engineWasmFiles()) copyFileSync(file, path.join(outDir, path.basename(file)));
    },
  };
}

export default defineConfig({
  build: {
    // Not a library build: Forge would otherwise make it CommonJS (see forge.config.ts).
    lib: false,
    ssr: 'solver/solver-process/main.ts',
    target: 'node22',
    sourcemap: true,
    copyPublicDir: false,
    rollupOptions: {
      output: {
        format: 'es',
        entryFileNames: 'solver.mjs',
        // One file: the unpacked solver entry must not depend on chunks left in the asar.
        codeSplitting: false,
      },
    },
  },
  ssr: {
    target: 'node',
    // Bundle every dependency: a packaged app ships no node_modules.
    noExternal: true,
  },
  plugins: [copyEngineWasm()],
});
