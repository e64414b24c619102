/**
 * A stand-in for the `electron` module, for main-process glue tests only (DESIGN 'Testing'):
 * just enough of app, ipcMain, BrowserWindow, utilityProcess, session, protocol, Menu, dialog,
 * contextBridge and ipcRenderer to observe what electron/ does with them.
 * Tests use it with `vi.mock('electron', async () => (await import('./fake-electron.ts')).electron)`.
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { vi } from 'vitest';

/** What a handler registered with ipcMain.handle receives. */
export type Handler = (event: unknown, ...args: unknown[]) => unknown;

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

let nextWebContentsId = 1;

/** A WebContents: events, send() recorded, a window-open handler kept. */
export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** A BrowserWindow that records its options and what it loaded. */
export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly options: Record<string, unknown>;
  readonly webContents = new FakeWebContents();
  loaded: { url?: string; file?: string } = {};
  minimized = false;
  maximized = false;
  focused = 0;
  destroyed = false;
  bounds = { x: 10, y: 20, width: 1000, height: 700 };
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loaded = { url };
    return Promise.resolve();
  }
  loadFile(file: string): Promise<void> {
    this.loaded = { file };
    return Promise.resolve();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  show(): void {}
  focus(): void {
    this.focused++;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return this.bounds;
  }
}

/** A utility process: message/exit/spawn events, piped stdout/stderr, kill and postMessage recorded. */
export class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly posted: unknown[] = [];
  kills = 0;
  constructor(pid: number | undefined) {
    super();
    this.pid = pid;
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.kills++;
    return true;
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  singleInstance = true;
  readonly quit = vi.fn(() => {
    // Like Electron: quitting asks 'before-quit' listeners first.
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.emit('will-quit');
  });
  /** Set once whenReady() resolves; some calls are only allowed before (protocol schemes). */
  ready = false;
  requestSingleInstanceLock(): boolean {
    return this.singleInstance;
  }
  whenReady(): Promise<void> {
    return Promise.resolve().then(() => {
      this.ready = true;
    });
  }
  getPath(_name: string): string {
    return fakeState.userData;
  }
  setPath(_name: string, value: string): void {
    fakeState.userData = value;
  }
  getAppPath(): string {
    return '/app';
  }
}

/** Mutable knobs and records the tests read. */
export const fakeState = {
  userData: '/tmp/solver-farm-test-user-data',
  /** pid handed to the next forked utility process. */
  nextPid: 4_000_000 as number | undefined,
  forks: [] as { modulePath: string; args: string[]; options: Record<string, unknown>; child: FakeUtilityProcess }[],
  /** Replaces the default fake fork (e.g. to fork a real Node process). */
  forkImpl: null as null | ((modulePath: string, args: string[], options: Record<string, unknown>) => unknown),
  menuTemplate: null as unknown,
  exposed: new Map<string, unknown>(),
};

const sessionRecord = {
  headersListener: null as null | ((details: unknown, callback: (response: unknown) => void) => void),
  permissionRequest: null as null | ((...args: unknown[]) => void),
  permissionCheck: null as null | ((...args: unknown[]) => boolean),
  devicePermission: null as null | ((details: unknown) => boolean),
};

/** The default session: its handlers land in sessionRecord; its device-picker events are plain events. */
class FakeSession extends EventEmitter {
  readonly webRequest = {
    onHeadersReceived: (listener: typeof sessionRecord.headersListener) => {
      sessionRecord.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: typeof sessionRecord.permissionRequest): void {
    sessionRecord.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler: typeof sessionRecord.permissionCheck): void {
    sessionRecord.permissionCheck = handler;
  }
  setDevicePermissionHandler(handler: typeof sessionRecord.devicePermission): void {
    sessionRecord.devicePermission = handler;
  }
}

/** protocol: what was registered as privileged (and when: before or after 'ready'), and the handlers. */
const protocolRecord = {
  privileged: [] as unknown[],
  handlers: new Map<string, (request: { url: string; method: string }) => Promise<Response>>(),
};

class FakeIpcRenderer extends EventEmitter {
  readonly invoke = vi.fn(
    async (_channel: string, ..._args: unknown[]): Promise<unknown> => ({ ok: true, value: null }),
  );
  readonly send = vi.fn();
}

export const ipcMain = new FakeIpcMain();
export const app = new FakeApp();
export const ipcRenderer = new FakeIpcRenderer();

export const electron = {
  app,
  ipcMain,
  ipcRenderer,
  BrowserWindow: FakeBrowserWindow,
  utilityProcess: {
    fork: vi.fn((modulePath: string, args: string[] = [], options: Record<string, unknown> = {}) => {
      if (fakeState.forkImpl) return fakeState.forkImpl(modulePath, args, options);
      const child = new FakeUtilityProcess(fakeState.nextPid);
      if (fakeState.nextPid !== undefined) fakeState.nextPid++;
      fakeState.forks.push({ modulePath, args, options, child });
      return child;
    }),
  },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  session: { defaultSession: new FakeSession() },
  protocol: {
    registerSchemesAsPrivileged: vi.fn((schemes: unknown[]) => {
      // Like Electron: the scheme privileges are fixed when the app gets ready.
      if (app.ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
      protocolRecord.privileged.push(...schemes);
    }),
    handle: vi.fn((scheme: string, handler: (request: { url: string; method: string }) => Promise<Response>) => {
      if (protocolRecord.handlers.has(scheme)) throw new Error(`The scheme '${scheme}' is already handled`);
      protocolRecord.handlers.set(scheme, handler);
    }),
  },
  Menu: {
    buildFromTemplate: (template: unknown) => ({ template }),
    setApplicationMenu: (menu: { template: unknown }) => {
      fakeState.menuTemplate = menu.template;
    },
  },
  dialog: {
    showMessageBox: vi.fn(async () => ({ response: 0 })),
    showErrorBox: vi.fn(),
    showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
  },
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      fakeState.exposed.set(key, api);
    },
  },
};

export { protocolRecord, sessionRecord };

/** An IPC event as Electron builds it for a frame of some WebContents. */
export function ipcEvent(
  sender: FakeWebContents,
  frame: { url: string; parent?: unknown } | null,
): { sender: FakeWebContents; senderFrame: { url: string; parent: unknown } | null } {
  return { sender, senderFrame: frame === null ? null : { url: frame.url, parent: frame.parent ?? null } };
}
