/**
 * Preload bundle (.vite/build/preload.cjs). Forge's Vite plugin makes it one CommonJS file
 * with no code splitting: a sandboxed preload can require 'electron' and little else, so
 * everything else (the channel names) is bundled in.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    sourcemap: 'inline',
    target: 'chrome140',
  },
});
