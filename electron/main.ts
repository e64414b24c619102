/**
 * Electron main entry, bundled by Forge's Vite plugin into .vite/build/main.cjs.
 * Everything lives in desktop.ts; this file only reads the constants the build defines.
 */
import { startDesktop } from './desktop.ts';

startDesktop({
  bundleDir: __dirname,
  // `typeof` guard: a production build leaves the dev server URL undefined.
  devServerUrl: typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' ? MAIN_WINDOW_VITE_DEV_SERVER_URL : undefined,
  rendererName: MAIN_WINDOW_VITE_NAME,
});
