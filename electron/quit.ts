/**
 * Quitting kills every solver process: 'before-quit' is held until farm.close() has
 * killed them (bounded, so a wedged farm cannot keep the app from quitting), then the
 * quit goes on. Closing the last window quits on every platform: the window is the only
 * control of running solvers, so none may keep running unseen.
 */
import type { App } from 'electron';

/** Longest wait for the farm to shut down before quitting anyway. */
const DEFAULT_CLOSE_TIMEOUT_MS = 5000;

export interface QuitOptions {
  /** Kills every solver process and resolves when they are gone. */
  closeFarm: () => Promise<void>;
  timeoutMs?: number;
  /** Where a failed or slow shutdown is reported. */
  log?: (message: string) => void;
}

/** Install the handlers. Resolves `closed` once the farm is closed (for tests and logs). */
export function installQuitHandlers(app: Pick<App, 'on' | 'quit'>, options: QuitOptions): { closed: Promise<void> } {
  let state: 'running' | 'closing' | 'closed' = 'running';
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  const log = options.log ?? ((message: string) => console.error(message));
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;

  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log(`Solver processes did not all stop within ${timeoutMs} ms; quitting anyway.`);
        resolve();
      }, timeoutMs);
    });
    Promise.race([options.closeFarm(), timeout])
      .catch((err: unknown) => log(`Stopping the solvers failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        clearTimeout(timer);
        state = 'closed';
        markClosed();
        app.quit();
      });
  });
  return { closed };
}
