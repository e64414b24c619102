/**
 * The main window: secure webPreferences, remembered geometry, the app's page loaded.
 */
import { BrowserWindow, screen } from 'electron';
import { type AppPage, appPageUrl } from './app-url.ts';
import { secureWebPreferences } from './security.ts';
import { loadWindowState, saveWindowState } from './window-state.ts';

export interface MainWindowOptions {
  preload: string;
  /** JSON file holding the window's size and position. */
  stateFile: string;
  page: AppPage;
}

/** Create the window, restore its geometry, start loading the page. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const state = loadWindowState(
    options.stateFile,
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const window = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: 640,
    minHeight: 400,
    show: false,
    title: 'Solver Farm',
    webPreferences: secureWebPreferences(options.preload),
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    const bounds = window.getNormalBounds();
    try {
      saveWindowState(options.stateFile, { ...bounds, maximized: window.isMaximized() });
    } catch (err) {
      // Losing the geometry is not worth failing a quit over.
      console.error(`Could not save the window position to ${options.stateFile}:`, err);
    }
  });
  void window.loadURL(appPageUrl(options.page));
  return window;
}
