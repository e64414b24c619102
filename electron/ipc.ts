/**
 * FarmApi over Electron IPC, main side: one ipcMain.handle per verb of the verb table
 * (solver/farm/verbs.ts, which checks the arguments), each refusing any sender that is not
 * the main window's own page, and the farm's event batches forwarded to that window, one
 * `webContents.send` per batch (the farm already batches at ≤ 60 Hz). The page is untrusted
 * (DESIGN 'Trust boundaries'): every job it sends gets the access request-access.ts decides
 * from what the user gave the app (grants.ts).
 */
import { type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent, ipcMain } from 'electron';
import { CHANNELS, FARM_VERBS } from '../solver/channels.ts';
import { eventsForPage, pageError, stackOf, worthLogging } from '../solver/farm/page-errors.ts';
import type { PageFacingFarm } from '../solver/farm/page-farm.ts';
import { callVerb, type PageAccess } from '../solver/farm/verbs.ts';
import type { UserGrants } from './grants.ts';
import { resumeAccess, startAccess } from './request-access.ts';
import type { IpcReply } from './shell-channels.ts';

export interface FarmIpcOptions {
  /** The farm; its job verbs take the access of each request. */
  farm: PageFacingFarm;
  /** What the user gave the app (files opened from the OS, the command line, the Open dialog). */
  grants: UserGrants;
  /** The window whose page may use the farm (null while there is none). */
  getWindow: () => BrowserWindow | null;
  /** Is this URL the app's own page? (see app-url.ts) */
  isAppUrl: (url: string) => boolean;
}

/** Thrown to a sender that is not the app's page; it never reaches the farm. */
export class ForeignSenderError extends Error {
  override name = 'ForeignSenderError';
}

/**
 * Throw unless the message comes from the main frame of the main window, showing the
 * app's own page. Checked on every call: the page could have been navigated since.
 */
export function assertTrustedSender(
  event: IpcMainInvokeEvent | IpcMainEvent,
  channel: string,
  options: Pick<FarmIpcOptions, 'getWindow' | 'isAppUrl'>,
): void {
  const window = options.getWindow();
  const frame = event.senderFrame;
  const why =
    window === null || window.isDestroyed()
      ? 'there is no main window'
      : event.sender.id !== window.webContents.id
        ? 'it came from another window'
        : frame === null
          ? 'its frame is gone'
          : frame.parent !== null
            ? 'it came from a sub-frame'
            : !options.isAppUrl(frame.url)
              ? `it came from ${frame.url}, not the app's page`
              : null;
  if (why !== null) throw new ForeignSenderError(`Refused ${channel}: ${why}.`);
}

async function reply<T>(work: () => Promise<T>): Promise<IpcReply<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    // The page gets the message and a code; a stack, when it could help, goes to the main process's log.
    const error = pageError(err);
    if (worthLogging(error.code)) console.error(`farm IPC: a request failed: ${stackOf(err)}`);
    return { ok: false, error };
  }
}

/** Register the handlers and the event forwarding. Returns a function that undoes both. */
export function registerFarmIpc(options: FarmIpcOptions): () => void {
  const { farm, grants } = options;
  // Decided on every request: the grants change as the user opens files.
  const page: PageAccess = {
    job: (request) => startAccess(request, grants),
    run: (recorded) => resumeAccess(recorded, grants),
  };
  for (const verb of FARM_VERBS) {
    const channel = CHANNELS[verb];
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      assertTrustedSender(event, channel, options);
      return reply(() => callVerb(farm, verb, args, page));
    });
  }
  const unsubscribe = farm.subscribe((events) => {
    const window = options.getWindow();
    if (window === null || window.isDestroyed() || window.webContents.isDestroyed()) return;
    // Stacks that solvers reported stay in the journal, not in the page.
    window.webContents.send(CHANNELS.events, eventsForPage(events));
  });
  return () => {
    unsubscribe();
    for (const verb of FARM_VERBS) ipcMain.removeHandler(CHANNELS[verb]);
  };
}
