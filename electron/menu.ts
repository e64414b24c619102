/**
 * The native menu. File ▸ Open… (CmdOrCtrl+O) opens a job or model file as the OS would
 * (open-dialog.ts). Run ▸ Start (CmdOrCtrl+R), Terminate (CmdOrCtrl+.), Status (CmdOrCtrl+I)
 * are sent to the page (window.farmShell.onMenu), which runs the same code as its toolbar
 * buttons: Start needs the job and cores the user picked there. When no page listens
 * (yet), the main process acts on the farm itself: Start runs the first example, Terminate
 * terminates, Status shows a summary box.
 */
import {
  type BrowserWindow,
  dialog,
  type IpcMainEvent,
  ipcMain,
  Menu,
  type MenuItemConstructorOptions,
} from 'electron';
import type { FarmApi, FarmStatus } from '../solver/api.ts';
import { assertTrustedSender } from './ipc.ts';
import { pickFilesToOpen } from './open-dialog.ts';
import { type MenuCommand, SHELL_CHANNELS } from './shell-channels.ts';

/**
 * Menu template; `run` is called with the command of the clicked item, `openFile` by
 * File ▸ Open… (the main process's own dialog, see open-dialog.ts).
 */
export function menuTemplate(
  run: (command: MenuCommand) => void,
  isMac: boolean,
  openFile: () => void = () => {},
): MenuItemConstructorOptions[] {
  const runMenu: MenuItemConstructorOptions = {
    label: '&Run',
    submenu: [
      { label: 'Start', accelerator: 'CmdOrCtrl+R', click: () => run('start') },
      { label: 'Terminate', accelerator: 'CmdOrCtrl+.', click: () => run('terminate') },
      { type: 'separator' },
      { label: 'Status', accelerator: 'CmdOrCtrl+I', click: () => run('status') },
    ],
  };
  return [
    ...(isMac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: openFile },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    runMenu,
    {
      label: '&View',
      // No reload item: CmdOrCtrl+R belongs to Start, and a reload would drop the page's state.
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        { role: 'toggleDevTools' },
      ],
    },
    { role: 'windowMenu' },
  ];
}

/** A one-paragraph summary of a status, for the fallback Status box. */
export function statusSummary(status: FarmStatus): string {
  const lines = [`Run: ${status.state}${status.run ? ` — ${status.run.name}` : ''}`];
  if (status.progress) {
    const p = status.progress;
    lines.push(
      `Tasks: ${p.done} done, ${p.failed} failed${p.total === null ? '' : ` of ${p.total}`}, ${p.running} running`,
    );
  }
  for (const s of status.solvers) {
    lines.push(
      `Solver ${s.id}${s.pid === undefined ? '' : ` (pid ${s.pid})`}: ${s.state}${s.task ? ` ${s.task}` : ''}, ${s.tasksDone} done`,
    );
  }
  return lines.join('\n');
}

export interface AppMenuOptions {
  farm: FarmApi;
  getWindow: () => BrowserWindow | null;
  isAppUrl: (url: string) => boolean;
  isMac: boolean;
  /** File ▸ Open…: hand a file the user picked in the app's dialog to open-file.ts. */
  openFile?: (file: string) => void;
}

/** Install the menu and the page-listening handshake. Returns a function that undoes it. */
export function installAppMenu(options: AppMenuOptions): () => void {
  let pageListens = false;
  const onListening = (event: IpcMainEvent, listening: unknown): void => {
    try {
      assertTrustedSender(event, SHELL_CHANNELS.menuListening, options);
    } catch {
      return;
    }
    pageListens = listening === true;
  };
  ipcMain.on(SHELL_CHANNELS.menuListening, onListening);

  const run = (command: MenuCommand): void => {
    const window = options.getWindow();
    if (window !== null && !window.isDestroyed() && pageListens) {
      window.webContents.send(SHELL_CHANNELS.menu, command);
      return;
    }
    void runDirectly(command, options, window).catch((err: unknown) => {
      dialog.showErrorBox(`${command} failed`, err instanceof Error ? err.message : String(err));
    });
  };
  const openFile = (): void => {
    const { openFile: open } = options;
    if (open === undefined) return;
    void pickFilesToOpen(dialog, options.getWindow()).then(
      (files) => {
        for (const file of files) open(file);
      },
      (err: unknown) => dialog.showErrorBox('Open failed', err instanceof Error ? err.message : String(err)),
    );
  };
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(run, options.isMac, openFile)));

  // A reload or navigation drops the page's listener; it says so again when it re-subscribes.
  const window = options.getWindow();
  const reset = (): void => {
    pageListens = false;
  };
  window?.webContents.on('did-start-loading', reset);
  return () => {
    ipcMain.removeListener(SHELL_CHANNELS.menuListening, onListening);
    if (window !== null && !window.isDestroyed()) window.webContents.removeListener('did-start-loading', reset);
  };
}

async function runDirectly(command: MenuCommand, options: AppMenuOptions, window: BrowserWindow | null): Promise<void> {
  const { farm } = options;
  if (command === 'start') {
    const [first] = await farm.examples();
    if (first === undefined) throw new Error('There is no example job to start.');
    await farm.start({ example: first.id });
  } else if (command === 'terminate') {
    await farm.terminate();
  } else {
    const status = await farm.status();
    const box = { type: 'info' as const, title: 'Solver Farm status', message: statusSummary(status) };
    if (window !== null && !window.isDestroyed()) await dialog.showMessageBox(window, box);
    else await dialog.showMessageBox(box);
  }
}
