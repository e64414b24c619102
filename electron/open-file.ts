/**
 * Files the operating system asks the app to open — double-click or "Open with" on a job
 * (.sfjob) or model (.lp, .mps) file, a file dropped on the dock icon, or a path on the
 * command line — become the page's chosen job, ready to Start (never started unasked):
 * - macOS: app 'open-file' (it can fire before 'ready', and for a running app);
 * - Windows and Linux: the path is in the new process's argv: at start-up, and, when the
 *   app already runs, in the 'second-instance' event's argv (the single-instance lock
 *   sends it to the running app, whose window comes to the front).
 * The file is read here in the main process (the sandboxed page cannot read files) and sent
 * to the page as { job, source } — what FarmApi.start takes — over SHELL_CHANNELS.openFile.
 * Files opened before the page listens are held and delivered when it says it listens.
 * Each file read is recorded as the user's grant (grants.ts) before the page sees it: a job
 * file with the document it held, so that the page sending it back unchanged runs it as the
 * user's job file; a model as a file the page's jobs may read.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App, BrowserWindow, IpcMainEvent } from 'electron';
import { ipcMain } from 'electron';
import { JobFileError, readJobFileText } from '../solver/farm/job-file-text.ts';
import { type OpenedFileRole, openedFileRole } from './file-types.ts';
import type { UserGrants } from './grants.ts';
import { assertTrustedSender } from './ipc.ts';
import { type IpcReply, SHELL_CHANNELS } from './shell-channels.ts';

/** What the page receives for an opened file: the start request's job and source. */
export interface OpenedJob {
  /** File name to show, e.g. `my-sweep.sfjob`. */
  name: string;
  /** Absolute path: FarmApi.start's `source`, so paths inside the job resolve beside it. */
  source: string;
  role: OpenedFileRole;
  /** The job document: the file's JSON, or a one-file batch job for a model file. */
  job: unknown;
}

/**
 * The files to open among a process's arguments: arguments that name a file type the app
 * opens, resolved against the directory the process was started in. Linux desktop entries
 * launch the app with `%U`, so a file manager may pass `file://` URLs: those become paths.
 * Switches (`--x`, Chromium's flags), other URLs and the executable and app path are never
 * files to open.
 */
export function filesFromArgv(argv: readonly unknown[], cwd: string): string[] {
  const files: string[] = [];
  for (const arg of argv.slice(1)) {
    if (typeof arg !== 'string' || arg.startsWith('-') || openedFileRole(arg) === undefined) continue;
    if (/^file:/i.test(arg)) {
      try {
        files.push(fileURLToPath(arg));
      } catch {
        // A file URL for another host (file://server/…) is not a local file: skip it.
      }
    } else if (!/^[a-z][a-z0-9+.-]+:\/\//i.test(arg)) {
      files.push(path.resolve(cwd, arg));
    }
  }
  return files;
}

/** Read an opened file into what the page needs; throws an error that names the file and says what to do. */
export async function readOpenedFile(file: string): Promise<OpenedJob> {
  const name = path.basename(file);
  const role = openedFileRole(name);
  if (role === undefined) {
    throw new Error(`${file}: Solver Farm opens job files (.sfjob, .json) and models (.lp, .mps), not this file.`);
  }
  if (role === 'model') {
    // A model becomes a batch of one: the solver process reads and parses it (batch kind).
    return { name, source: file, role, job: { kind: 'batch', files: [name] } };
  }
  let text: string;
  try {
    // Only a regular file, at most 16 MiB: a FIFO or a device opened "from the OS" must not
    // hang or fill the main process.
    text = readJobFileText(file);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(err instanceof JobFileError ? `${why}.` : `${file}: cannot read the job file: ${why}.`);
  }
  try {
    return { name, source: file, role, job: JSON.parse(text) as unknown };
  } catch (err) {
    throw new Error(
      `${file}: not valid JSON (${err instanceof Error ? err.message : String(err)}). A job file is a JSON document such as examples/wyndor-sweep.json.`,
    );
  }
}

export interface OpenFileOptions {
  app: Pick<App, 'on'>;
  getWindow: () => BrowserWindow | null;
  isAppUrl: (url: string) => boolean;
  /** This process's argv and working directory (files given at start-up). */
  argv: readonly string[];
  cwd: string;
  /** Brings the window to the front (the second-instance handler already does on its own). */
  focus?: () => void;
  /** Where every file read is recorded as given by the user. */
  grants: UserGrants;
}

/** The installed handling. */
export interface OpenFileHandling {
  /** Open a file the user chose by other means (the app's Open dialog), like one from the OS. */
  open(file: string): void;
  /** Remove the IPC listener (tests). */
  dispose(): void;
}

/** Install the handlers. */
export function installOpenFileHandling(options: OpenFileOptions): OpenFileHandling {
  const pending: IpcReply<OpenedJob>[] = [];
  // The web contents whose page said it listens, until it reloads or says it stopped. An id,
  // not a flag: a window created later (macOS re-opens one) must say so itself.
  let listeningId: number | null = null;
  const watched = new WeakSet<object>();
  let chain = Promise.resolve();

  const deliver = (reply: IpcReply<OpenedJob>): void => {
    const window = options.getWindow();
    if (window !== null && !window.isDestroyed() && window.webContents.id === listeningId) {
      window.webContents.send(SHELL_CHANNELS.openFile, reply);
    } else {
      pending.push(reply);
    }
  };
  // One at a time, in the order the OS gave them: the last file opened is the page's choice.
  const open = (given: string): void => {
    // The grant and the delivered source are the same absolute path (grants.ts compares them).
    const file = path.resolve(given);
    chain = chain.then(async () => {
      try {
        const opened = await readOpenedFile(file);
        if (opened.role === 'job') options.grants.grantJobFile(file, opened.job);
        else options.grants.grantPath(file);
        deliver({ ok: true, value: opened });
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        deliver({ ok: false, error: { name: error.name, message: error.message } });
      }
    });
  };

  const onListening = (event: IpcMainEvent, listening: unknown): void => {
    try {
      assertTrustedSender(event, SHELL_CHANNELS.openFileListening, options);
    } catch {
      // A foreign page learns nothing and changes nothing.
      return;
    }
    const contents = event.sender;
    listeningId = listening === true ? contents.id : null;
    if (!watched.has(contents)) {
      watched.add(contents);
      // A reload drops the page's listener; the new page says so again when it subscribes.
      contents.on('did-start-loading', () => {
        if (listeningId === contents.id) listeningId = null;
      });
    }
    if (listeningId !== null) {
      for (const reply of pending.splice(0)) deliver(reply);
    }
  };
  ipcMain.on(SHELL_CHANNELS.openFileListening, onListening);

  // macOS: may fire before 'ready' (the file that launched the app) and while it runs.
  options.app.on('open-file', (event, file) => {
    // Tell macOS the app handles it.
    event.preventDefault();
    open(file);
    options.focus?.();
  });
  // Windows, Linux: a second launch hands its argv to this instance (single-instance lock).
  options.app.on('second-instance', (_event, argv, workingDirectory) => {
    if (!Array.isArray(argv)) return;
    for (const file of filesFromArgv(argv, typeof workingDirectory === 'string' ? workingDirectory : options.cwd)) {
      open(file);
    }
  });
  for (const file of filesFromArgv(options.argv, options.cwd)) open(file);

  return {
    open,
    dispose: () => {
      ipcMain.removeListener(SHELL_CHANNELS.openFileListening, onListening);
    },
  };
}
