/**
 * Glue to the desktop shell's own bridge, `window.farmShell` (electron/preload.ts): files the
 * OS asked the app to open, and the native Run menu. Absent in browser mode, where this does
 * nothing. The renderer imports nothing from electron/, so the bridge's shape is declared here;
 * keep it in step with electron/preload.ts (`shellBridge`) and electron/shell-channels.ts.
 */
import { startRun, terminateRun } from './actions.ts';
import { runIsActive, useFarm } from './store.ts';

/** Commands of the native Run menu (electron/shell-channels.ts MENU_COMMANDS). */
export type MenuCommand = 'start' | 'terminate' | 'status';

/** A file the OS asked the app to open, read by the main process (electron/open-file.ts). */
export type OpenedFileMessage =
  | {
      ok: true;
      /** File name to show. */
      name: string;
      /** Absolute path: FarmApi.start's `source`, so paths inside the job resolve beside it. */
      source: string;
      role: 'job' | 'model';
      /** The job document (a model arrives as a one-file batch job). */
      job: unknown;
    }
  | { ok: false; error: string };

/** What the preload exposes as `window.farmShell`. */
export interface ShellBridge {
  onMenu(listener: (command: MenuCommand) => void): () => void;
  onOpenFile(listener: (opened: OpenedFileMessage) => void): () => void;
}

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    farmShell?: ShellBridge;
  }
}

/** A file opened by the OS becomes the chosen job (it is not started), or its error shows. */
export function applyOpenedFile(m: OpenedFileMessage): void {
  if (!m.ok) {
    useFarm.setState({ toolbarError: m.error });
    return;
  }
  useFarm.setState({ job: { type: 'file', name: m.name, job: m.job, source: m.source }, toolbarError: null });
}

/** The native menu runs the same actions as the toolbar buttons. */
export function runMenuCommand(command: MenuCommand): void {
  if (command === 'start') void startRun();
  else if (command === 'terminate') {
    if (runIsActive(useFarm.getState().runState)) void terminateRun();
  } else if (command === 'status') useFarm.setState({ statusOpen: true });
}

let bound = false;

/**
 * Subscribes once, at start-up, to the shell's opened files and menu commands. Returns the
 * unsubscribe function (a no-op in browser mode or on a second call).
 */
export function bindShell(shell: ShellBridge | undefined = window.farmShell): () => void {
  if (!shell || bound) return () => {};
  bound = true;
  const offOpen = shell.onOpenFile(applyOpenedFile);
  const offMenu = shell.onMenu(runMenuCommand);
  return () => {
    bound = false;
    offOpen();
    offMenu();
  };
}
