/**
 * The desktop app's wiring: single instance, hardened session and pages, one Farm over
 * utilityProcess solvers, the main window, IPC, the menu, and quit = kill every solver.
 */
import os from 'node:os';
import path from 'node:path';
import { app, type BrowserWindow, protocol, session } from 'electron';
import { Farm } from '../solver/farm/farm.ts';
import { SOLVER_PRIORITIES } from '../solver/farm/priority-launcher.ts';
import { farmJournal } from '../solver/journal/farm-journal.ts';
import { BrokerWorkers } from '../solver/remote/broker-workers.ts';
import { registerAppScheme, serveAppFiles } from './app-protocol.ts';
import { type AppPage, appUrlMatcher } from './app-url.ts';
import { brokerSetting } from './broker-setting.ts';
import { UserGrants } from './grants.ts';
import { registerFarmIpc } from './ipc.ts';
import { installAppMenu } from './menu.ts';
import { installOpenFileHandling } from './open-file.ts';
import { installQuitHandlers } from './quit.ts';
import { contentSecurityPolicy, hardenSession, hardenWebContents } from './security.ts';
import { UtilityLauncher } from './utility-launcher.ts';
import { createMainWindow } from './window.ts';

export interface DesktopOptions {
  /** Folder of the built main bundle (.vite/build): preload.cjs and solver.mjs sit beside it. */
  bundleDir: string;
  /** Renderer dev server under `electron-forge start`; undefined in a packaged app. */
  devServerUrl: string | undefined;
  /** The renderer's name: its folder under .vite/renderer/. */
  rendererName: string;
}

/** Where the packaged or development app keeps its pieces. */
export function appPaths(options: DesktopOptions): {
  preload: string;
  solverEntry: string;
  page: AppPage;
  examplesDir: string;
} {
  // Packaged: served over app://<renderer name>/ from .vite/renderer/<name>/ (app-protocol.ts).
  const page: AppPage =
    options.devServerUrl !== undefined
      ? { devServerUrl: options.devServerUrl }
      : {
          rendererDir: path.join(options.bundleDir, '..', 'renderer', options.rendererName),
          host: options.rendererName.toLowerCase(),
        };
  return {
    preload: path.join(options.bundleDir, 'preload.cjs'),
    // The solver entry and its wasm are unpacked from the asar (forge.config.ts): they run
    // as an ES module in a plain Node process and read glpk.wasm beside themselves.
    solverEntry: path.join(options.bundleDir, 'solver.mjs').replace(/app\.asar(?=[\\/])/, 'app.asar.unpacked'),
    page,
    // Packaged: examples/ is an extraResource; in development it is the project's own folder.
    examplesDir: app.isPackaged
      ? path.join(process.resourcesPath, 'examples')
      : path.join(app.getAppPath(), 'examples'),
  };
}

/** Start the desktop app (called once by main.ts). */
export function startDesktop(options: DesktopOptions): void {
  // Tests (test/electron) run the app against a throw-away profile; it also scopes the lock.
  const userData = process.env.SOLVER_FARM_USER_DATA;
  if (userData !== undefined && userData !== '') app.setPath('userData', userData);
  if (!app.requestSingleInstanceLock()) {
    // Another instance runs: it gets 'second-instance' and comes to the front.
    app.quit();
    return;
  }
  // Only possible before 'ready'; in development too, so app:// behaves the same there.
  registerAppScheme(protocol);
  const paths = appPaths(options);
  const isAppUrl = appUrlMatcher(paths.page);
  const csp = contentSecurityPolicy(options.devServerUrl);
  let window: BrowserWindow | null = null;
  const getWindow = (): BrowserWindow | null => (window !== null && !window.isDestroyed() ? window : null);

  const bringToFront = (): void => {
    const current = getWindow();
    if (current === null) return;
    if (current.isMinimized()) current.restore();
    current.show();
    current.focus();
  };
  app.on('second-instance', bringToFront);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, isAppUrl));
  // What the user gave the app from outside the page: what the page's jobs may use (grants.ts).
  const grants = new UserGrants();
  // Job and model files from the OS (open-file on macOS, argv elsewhere) and File ▸ Open…: see open-file.ts.
  const openFiles = installOpenFileHandling({
    app,
    getWindow,
    isAppUrl,
    argv: process.argv,
    cwd: process.cwd(),
    focus: bringToFront,
    grants,
  });

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession, csp);
    if ('rendererDir' in paths.page) {
      serveAppFiles(protocol, { root: paths.page.rendererDir, host: paths.page.host, csp });
    }
    const launcher = new UtilityLauncher({ entry: paths.solverEntry });
    // Every run is recorded (journal, logs, summary) in <userData>/runs/<run id>/.
    // Remote workers (optional): `--broker=amqp://…` or SOLVER_FARM_BROKER, see broker-setting.ts.
    const broker = brokerSetting(process.argv, process.env);
    // One solver process per core, started now and kept warm between runs (DESIGN 'Process
    // model'): Start then only sends the job's model, not a process launch per core.
    const farm = new Farm({
      launcher,
      keepWarm: true,
      cores: os.availableParallelism(),
      examplesDir: paths.examplesDir,
      journal: farmJournal(app.getPath('userData')),
      // Below normal: the window (and the analyst's other programs) are scheduled before the
      // solvers, which still get every idle cycle (solver/farm/priority-launcher.ts).
      solverPriority: SOLVER_PRIORITIES['below-normal'],
      ...(broker === undefined
        ? {}
        : { remote: new BrokerWorkers(broker, { log: (line) => void process.stderr.write(`broker: ${line}\n`) }) }),
    });
    void farm.warm();
    installQuitHandlers(app, {
      closeFarm: async () => {
        await farm.close();
        launcher.dispose();
      },
    });
    window = createMainWindow({
      preload: paths.preload,
      stateFile: path.join(app.getPath('userData'), 'window-state.json'),
      page: paths.page,
    });
    registerFarmIpc({ farm, grants, getWindow, isAppUrl });
    installAppMenu({ farm, getWindow, isAppUrl, isMac: process.platform === 'darwin', openFile: openFiles.open });
    window.on('closed', () => {
      window = null;
    });
  });
}
