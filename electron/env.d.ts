/**
 * Constants Electron Forge's Vite plugin defines in the main bundle (see
 * @electron-forge/plugin-vite/forge-vite-env.d.ts): the renderer dev server URL under
 * `electron-forge start`, absent from a packaged build; and the renderer's name, which is
 * also its folder under .vite/renderer/.
 */
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;
