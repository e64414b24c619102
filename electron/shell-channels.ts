/**
 * Channels of the desktop shell itself (not FarmApi): the native menu's commands, sent to
 * the page so it drives its own toolbar. Same `farm:` prefix as solver/channels.ts.
 */

/** Commands of the Run menu. */
export const MENU_COMMANDS = ['start', 'terminate', 'status'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export const SHELL_CHANNELS = {
  /** Main → page: a menu command (payload: MenuCommand). */
  menu: 'farm:menu',
  /** Page → main: the page listens for menu commands (no payload). */
  menuListening: 'farm:menu-listening',
  /** Main → page: a file the OS asked the app to open (payload: IpcReply<OpenedJob>, see open-file.ts). */
  openFile: 'farm:open-file',
  /** Page → main: the page listens for opened files (payload: boolean). */
  openFileListening: 'farm:open-file-listening',
} as const;

/**
 * How a FarmApi verb's outcome crosses IPC. Farm errors travel as data rather than as a
 * thrown error, because Electron rewrites thrown messages into "Error invoking remote
 * method 'farm:start': Error: …", and users should read the farm's own message. No stack
 * crosses (solver/farm/page-errors.ts).
 */
export type IpcReply<T> =
  | { ok: true; value: T }
  | { ok: false; error: { name: string; message: string; code?: string } };
