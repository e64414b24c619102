/**
 * electron/desktop.ts wired against a mocked `electron` and a recording Farm: single
 * instance, the window's security options and page, IPC registration, the menu, and
 * quit → farm.close().
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../solver/channels.ts';
import {
  app,
  electron,
  FakeBrowserWindow,
  FakeWebContents,
  fakeState,
  ipcEvent,
  ipcMain,
  protocolRecord,
} from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electron);
vi.mock('../../solver/farm/farm.ts', async () => {
  const { vi } = await import('vitest');
  class Farm {
    static instances: Farm[] = [];
    readonly options: unknown;
    readonly close = vi.fn(async () => {});
    readonly warm = vi.fn(async () => {});
    readonly start = vi.fn(async () => ({ runId: 'r' }));
    readonly terminate = vi.fn(async () => 'graceful');
    readonly status = vi.fn(async () => ({
      state: 'idle',
      run: null,
      solvers: [],
      progress: null,
      terminate: 'none',
      at: 0,
    }));
    readonly examples = vi.fn(async () => [{ id: 'wyndor-sweep', name: 'Wyndor', description: '', kind: 'sweep' }]);
    subscribe(): () => void {
      return () => {};
    }
    constructor(options: unknown) {
      this.options = options;
      Farm.instances.push(this);
    }
  }
  return { Farm };
});

const { appPaths, startDesktop } = await import('../../electron/desktop.ts');
const { Farm } = (await import('../../solver/farm/farm.ts')) as unknown as {
  Farm: {
    instances: {
      options: Record<string, unknown>;
      close: ReturnType<typeof vi.fn>;
      warm: ReturnType<typeof vi.fn>;
      start: ReturnType<typeof vi.fn>;
      terminate: ReturnType<typeof vi.fn>;
    }[];
  };
};

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
type MenuItem = { label?: string; accelerator?: string; click?: () => void; submenu?: MenuItem[] };

describe('electron/desktop.ts', () => {
  const userData = mkdtempSync(path.join(os.tmpdir(), 'desktop-test-'));
  fakeState.userData = userData;
  afterAll(() => rmSync(userData, { recursive: true, force: true }));

  it('quits at once when another instance holds the lock', async () => {
    app.singleInstance = false;
    startDesktop({ bundleDir: '/app/.vite/build', devServerUrl: undefined, rendererName: 'main_window' });
    await tick();
    expect(app.quit).toHaveBeenCalledTimes(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(Farm.instances).toHaveLength(0);
    app.singleInstance = true;
    app.quit.mockClear();
  });

  it('opens one secure window on the packaged page, with a farm over utility processes', async () => {
    startDesktop({ bundleDir: '/app/.vite/build', devServerUrl: undefined, rendererName: 'main_window' });
    await tick();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const window = FakeBrowserWindow.instances[0] as FakeBrowserWindow;
    expect(window.options.webPreferences).toMatchObject({
      preload: '/app/.vite/build/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    // The packaged page comes over app:// (app-protocol.ts), never from file://.
    expect(window.loaded).toEqual({ url: 'app://main_window/index.html' });
    expect(Farm.instances).toHaveLength(1);
    const options = Farm.instances[0]?.options;
    expect(options?.examplesDir).toBe('/app/examples');
    expect(options?.cores).toBe(os.availableParallelism());
    // One solver per core, started at launch and kept warm between runs.
    expect(options?.keepWarm).toBe(true);
    expect(Farm.instances[0]?.warm).toHaveBeenCalledTimes(1);
    expect(options?.launcher?.constructor.name).toBe('UtilityLauncher');
    // One handler per FarmApi verb (every channel but the events one).
    expect([...ipcMain.handlers.keys()].sort()).toEqual(
      Object.entries(CHANNELS)
        .filter(([verb]) => verb !== 'events')
        .map(([, channel]) => channel)
        .sort(),
    );
  });

  it('registers app:// as privileged before ready, and serves the renderer folder over it', async () => {
    expect(protocolRecord.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
    // (The fake, like Electron, throws when that comes after 'ready'.)
    const handler = protocolRecord.handlers.get('app');
    expect(handler).toBeDefined();
    // /app/.vite/renderer/main_window does not exist here: a 404 from the right handler.
    expect((await handler?.({ url: 'app://main_window/index.html', method: 'GET' }))?.status).toBe(404);
    expect((await handler?.({ url: 'app://main_window/..%2f..%2fbuild%2fmain.cjs', method: 'GET' }))?.status).toBe(400);
  });

  it('hardens every web contents the app creates', () => {
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-frame-navigate')).toBe(1);
  });

  it('brings the window back on a second launch', () => {
    const window = FakeBrowserWindow.instances[0] as FakeBrowserWindow;
    window.minimized = true;
    app.emit('second-instance');
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(1);
  });

  it('has Run ▸ Start / Terminate / Status with their shortcuts, acting on the farm while no page listens', async () => {
    const run = (fakeState.menuTemplate as MenuItem[]).find((m) => m.label === '&Run');
    const items = (run?.submenu ?? []).filter((i) => i.label);
    expect(items.map((i) => [i.label, i.accelerator])).toEqual([
      ['Start', 'CmdOrCtrl+R'],
      ['Terminate', 'CmdOrCtrl+.'],
      ['Status', 'CmdOrCtrl+I'],
    ]);
    const farm = Farm.instances[0];
    items[0]?.click?.();
    await tick();
    expect(farm?.start).toHaveBeenCalledWith({ example: 'wyndor-sweep' });
    items[1]?.click?.();
    await tick();
    expect(farm?.terminate).toHaveBeenCalledTimes(1);
    items[2]?.click?.();
    await tick();
    expect(electron.dialog.showMessageBox).toHaveBeenCalled();
  });

  it('sends menu commands to the page once the page listens (and only the app page can say so)', () => {
    const window = FakeBrowserWindow.instances[0] as FakeBrowserWindow;
    const run = (fakeState.menuTemplate as MenuItem[]).find((m) => m.label === '&Run');
    const start = run?.submenu?.[0];
    const appUrl = 'app://main_window/index.html';
    ipcMain.emit('farm:menu-listening', ipcEvent(window.webContents, { url: 'https://evil.example/' }), true);
    start?.click?.();
    expect(window.webContents.sent.filter((s) => s.channel === 'farm:menu')).toEqual([]);
    ipcMain.emit('farm:menu-listening', ipcEvent(window.webContents, { url: appUrl }), true);
    start?.click?.();
    expect(window.webContents.sent.filter((s) => s.channel === 'farm:menu')).toEqual([
      { channel: 'farm:menu', args: ['start'] },
    ]);
  });

  it('hands a job file the OS opens (macOS open-file) to the app page once it listens, and to no other page', async () => {
    const window = FakeBrowserWindow.instances[0] as FakeBrowserWindow;
    const job = path.resolve(import.meta.dirname, '..', '..', 'examples', 'wyndor-sweep.json');
    const opened = () => window.webContents.sent.filter((s) => s.channel === 'farm:open-file');
    const event = { preventDefault: vi.fn() };
    app.emit('open-file', event, job);
    expect(event.preventDefault).toHaveBeenCalled();
    ipcMain.emit('farm:open-file-listening', ipcEvent(window.webContents, { url: 'https://evil.example/' }), true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(opened()).toEqual([]);
    ipcMain.emit(
      'farm:open-file-listening',
      ipcEvent(window.webContents, { url: 'app://main_window/index.html' }),
      true,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(opened()).toEqual([
      {
        channel: 'farm:open-file',
        args: [
          {
            ok: true,
            value: {
              name: 'wyndor-sweep.json',
              source: job,
              role: 'job',
              job: JSON.parse(readFileSync(job, 'utf8')),
            },
          },
        ],
      },
    ]);
  });

  it("has File ▸ Open… (CmdOrCtrl+O): the picked job file reaches the page, and sent back unchanged it starts as the user's job file", async () => {
    const window = FakeBrowserWindow.instances[0] as FakeBrowserWindow;
    const job = path.resolve(import.meta.dirname, '..', '..', 'examples', 'wyndor-2d.json');
    const file = (fakeState.menuTemplate as MenuItem[]).find((m) => m.label === '&File');
    const open = file?.submenu?.[0];
    expect([open?.label, open?.accelerator]).toEqual(['Open…', 'CmdOrCtrl+O']);
    const showOpenDialog = electron.dialog.showOpenDialog as ReturnType<typeof vi.fn>;
    showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [job] });
    open?.click?.();
    await vi.waitFor(() =>
      expect(window.webContents.sent.filter((s) => s.channel === 'farm:open-file').at(-1)?.args[0]).toMatchObject({
        ok: true,
        value: { source: job, role: 'job' },
      }),
    );
    // A dialog of the window, for job and model files.
    const [parent, dialogOptions] = showOpenDialog.mock.calls.at(-1) ?? [];
    expect(parent).toBe(window);
    expect(dialogOptions.properties).toEqual(['openFile']);
    expect(dialogOptions.filters[0].extensions).toEqual(expect.arrayContaining(['sfjob', 'json', 'lp', 'mps']));

    const farm = Farm.instances[0];
    const delivered = window.webContents.sent.filter((s) => s.channel === 'farm:open-file').at(-1)?.args[0] as {
      value: { job: unknown; source: string };
    };
    const event = ipcEvent(window.webContents, { url: 'app://main_window/index.html' });
    await ipcMain.handlers.get(CHANNELS.start)?.(event, { job: delivered.value.job, source: job });
    expect(farm?.start).toHaveBeenLastCalledWith(
      { job: JSON.parse(readFileSync(job, 'utf8')), source: job },
      { access: { roots: null, modules: 'job-folder' } },
    );
    await ipcMain.handlers.get(CHANNELS.start)?.(event, { job: { kind: 'sweep' }, source: job });
    expect(farm?.start.mock.calls.at(-1)?.[1]).toMatchObject({
      access: { roots: [expect.any(String), job], modules: [] },
    });
  });

  it('a cancelled File ▸ Open… opens nothing', async () => {
    const window = FakeBrowserWindow.instances[0] as FakeBrowserWindow;
    const before = window.webContents.sent.length;
    const showOpenDialog = electron.dialog.showOpenDialog as ReturnType<typeof vi.fn>;
    showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    (fakeState.menuTemplate as MenuItem[]).find((m) => m.label === '&File')?.submenu?.[0]?.click?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(window.webContents.sent.length).toBe(before);
  });

  it('remembers the window geometry on close', () => {
    const window = FakeBrowserWindow.instances[0] as FakeBrowserWindow;
    window.emit('close');
    expect(JSON.parse(readFileSync(path.join(userData, 'window-state.json'), 'utf8'))).toEqual({
      x: 10,
      y: 20,
      width: 1000,
      height: 700,
      maximized: false,
    });
  });

  it('finds the solver entry outside the asar and the examples among the resources when packaged', () => {
    const resources = '/opt/Solver Farm/resources';
    const proc = process as { resourcesPath?: string | undefined };
    const saved = proc.resourcesPath;
    proc.resourcesPath = resources;
    app.isPackaged = true;
    try {
      const paths = appPaths({
        bundleDir: `${resources}/app.asar/.vite/build`,
        devServerUrl: undefined,
        rendererName: 'main_window',
      });
      expect(paths).toEqual({
        preload: `${resources}/app.asar/.vite/build/preload.cjs`,
        solverEntry: `${resources}/app.asar.unpacked/.vite/build/solver.mjs`,
        page: { rendererDir: `${resources}/app.asar/.vite/renderer/main_window`, host: 'main_window' },
        examplesDir: `${resources}/examples`,
      });
    } finally {
      app.isPackaged = false;
      proc.resourcesPath = saved;
    }
    const dev = appPaths({
      bundleDir: '/src/.vite/build',
      devServerUrl: 'http://localhost:5173',
      rendererName: 'main_window',
    });
    expect(dev.page).toEqual({ devServerUrl: 'http://localhost:5173' });
    expect(dev.solverEntry).toBe('/src/.vite/build/solver.mjs');
    expect(dev.examplesDir).toBe('/app/examples');
  });

  it('kills every solver (farm.close) before quitting', async () => {
    const farm = Farm.instances[0];
    const willQuit = vi.fn();
    app.on('will-quit', willQuit);
    app.quit();
    expect(willQuit).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(willQuit).toHaveBeenCalledTimes(1));
    expect(farm?.close).toHaveBeenCalledTimes(1);
    expect(app.listenerCount('child-process-gone')).toBe(0);
  });
});
