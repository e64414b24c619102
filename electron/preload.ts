/**
 * The page's only door to the farm: `window.farm`, an object with the FarmApi verbs over
 * fixed IPC channels, and `window.farmShell.onMenu` for the native menu's commands.
 * No generic send/invoke passthrough: one function per verb of solver/channels.ts, each on
 * its own channel. Arguments pass as they are; the main side checks them (solver/farm/verbs.ts).
 * Runs sandboxed, so it is bundled into one self-contained CommonJS file that requires
 * nothing but 'electron'.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import type { FarmApi, FarmEvent, FarmListener, FarmVerb } from '../solver/api.ts';
import { CHANNELS, FARM_VERBS } from '../solver/channels.ts';
import type { OpenedJob } from './open-file.ts';
import { type IpcReply, MENU_COMMANDS, type MenuCommand, SHELL_CHANNELS } from './shell-channels.ts';

async function call<T>(channel: string, ...args: unknown[]): Promise<T> {
  const reply = (await ipcRenderer.invoke(channel, ...args)) as IpcReply<T>;
  if (reply.ok) return reply.value;
  const { code } = reply.error;
  const error = Object.assign(new Error(reply.error.message), code === undefined ? {} : { code });
  error.name = reply.error.name;
  throw error;
}

const listeners = new Set<FarmListener>();
let forwarding = false;

function forwardEvents(_event: IpcRendererEvent, events: FarmEvent[]): void {
  for (const listener of listeners) {
    try {
      listener(events);
    } catch (err) {
      // One broken listener must not starve the others of events.
      console.error('A farm event listener threw:', err);
    }
  }
}

/**
 * One function per verb, sending its arguments on the verb's channel. The type is FarmApi's:
 * the functions are made in a loop, and the main side, not this type, is what checks arguments.
 */
function verbFunctions(): Pick<FarmApi, FarmVerb> {
  const verbs: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const verb of FARM_VERBS) verbs[verb] = (...args) => call(CHANNELS[verb], ...args);
  return verbs as unknown as Pick<FarmApi, FarmVerb>;
}

const farmBridge = {
  ...verbFunctions(),
  subscribe: (listener: FarmListener): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('subscribe() expects a function.');
    listeners.add(listener);
    if (!forwarding) {
      forwarding = true;
      ipcRenderer.on(CHANNELS.events, forwardEvents);
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && forwarding) {
        forwarding = false;
        ipcRenderer.removeListener(CHANNELS.events, forwardEvents);
      }
    };
  },
} satisfies FarmApi;

/** What `window.farm` is: derived from the object, checked against FarmApi. */
export type FarmBridge = typeof farmBridge;

const shellBridge = {
  /**
   * Run the page's own Start / Terminate / Status when the native menu (or its shortcut)
   * asks. While no page listens, the main process acts on the farm directly instead.
   */
  onMenu: (listener: (command: MenuCommand) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onMenu() expects a function.');
    const handler = (_event: IpcRendererEvent, command: unknown): void => {
      if ((MENU_COMMANDS as readonly unknown[]).includes(command)) listener(command as MenuCommand);
    };
    ipcRenderer.on(SHELL_CHANNELS.menu, handler);
    ipcRenderer.send(SHELL_CHANNELS.menuListening, true);
    return () => {
      ipcRenderer.removeListener(SHELL_CHANNELS.menu, handler);
      ipcRenderer.send(SHELL_CHANNELS.menuListening, false);
    };
  },
  /**
   * Job and model files the OS asked the app to open (double-click, "Open with", command
   * line), read by the main process: `job` and `source` are what `farm.start` takes. A file
   * that cannot be opened arrives as an error with the file's path and what to do. Files
   * opened before the page listened are delivered when it starts listening.
   */
  onOpenFile: (listener: (opened: OpenedFileMessage) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onOpenFile() expects a function.');
    const handler = (_event: IpcRendererEvent, reply: IpcReply<OpenedJob>): void => {
      listener(reply.ok ? { ok: true, ...reply.value } : { ok: false, error: reply.error.message });
    };
    ipcRenderer.on(SHELL_CHANNELS.openFile, handler);
    ipcRenderer.send(SHELL_CHANNELS.openFileListening, true);
    return () => {
      ipcRenderer.removeListener(SHELL_CHANNELS.openFile, handler);
      ipcRenderer.send(SHELL_CHANNELS.openFileListening, false);
    };
  },
};

/** What `window.farmShell.onOpenFile` listeners receive. */
export type OpenedFileMessage = ({ ok: true } & OpenedJob) | { ok: false; error: string };

/** What `window.farmShell` is. */
export type ShellBridge = typeof shellBridge;

contextBridge.exposeInMainWorld('farm', farmBridge);
contextBridge.exposeInMainWorld('farmShell', shellBridge);
