/**
 * The control panel for the desktop window: the renderer's own build (renderer/vite.config.ts,
 * also used for browser mode's dist/renderer), written where Forge's Vite plugin expects it
 * (.vite/renderer/<name>/, served as app://<name>/ by electron/app-protocol.ts) with a relative base.
 */
import path from 'node:path';
import { type ConfigEnv, defineConfig, mergeConfig, type UserConfig } from 'vite';
import rendererConfig from './renderer/vite.config.ts';

/** Must match the renderer's `name` in forge.config.ts. */
export const RENDERER_NAME = 'main_window';

export default defineConfig(async (env: ConfigEnv) => {
  const base: UserConfig =
    typeof rendererConfig === 'function'
      ? await (rendererConfig as (env: ConfigEnv) => UserConfig | Promise<UserConfig>)(env)
      : rendererConfig;
  return mergeConfig(base, {
    base: './',
    build: { outDir: path.resolve(import.meta.dirname, '.vite', 'renderer', RENDERER_NAME), emptyOutDir: true },
  });
});
