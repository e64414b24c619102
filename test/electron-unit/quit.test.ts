import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { installQuitHandlers } from '../../electron/quit.ts';

/** An app whose quit() asks 'before-quit' first, like Electron's. */
function fakeApp() {
  const app = new EventEmitter() as EventEmitter & { quit: () => void; quits: number; willQuit: number };
  app.quits = 0;
  app.willQuit = 0;
  app.quit = () => {
    app.quits++;
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    app.emit('before-quit', event);
    if (!event.defaultPrevented) app.willQuit++;
  };
  return app;
}

describe('electron/quit.ts', () => {
  it('holds the quit until the farm has closed, then quits for real', async () => {
    const app = fakeApp();
    let finishClose: () => void = () => {};
    const closeFarm = vi.fn(() => new Promise<void>((resolve) => (finishClose = resolve)));
    const { closed } = installQuitHandlers(app as never, { closeFarm });
    app.quit();
    app.quit(); // impatient user: still one close
    expect(closeFarm).toHaveBeenCalledTimes(1);
    expect(app.willQuit).toBe(0);
    finishClose();
    await closed;
    expect(app.willQuit).toBe(1);
  });

  it('quits when the last window closes', async () => {
    const app = fakeApp();
    const closeFarm = vi.fn(async () => {});
    const { closed } = installQuitHandlers(app as never, { closeFarm });
    app.emit('window-all-closed');
    await closed;
    expect(closeFarm).toHaveBeenCalledTimes(1);
    expect(app.willQuit).toBe(1);
  });

  it('quits anyway when closing the farm fails or hangs, and says so', async () => {
    const app = fakeApp();
    const log = vi.fn();
    const { closed } = installQuitHandlers(app as never, {
      closeFarm: () => new Promise(() => {}),
      timeoutMs: 50,
      log,
    });
    app.quit();
    await closed;
    expect(app.willQuit).toBe(1);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('did not all stop within 50 ms'));

    const app2 = fakeApp();
    const log2 = vi.fn();
    const r2 = installQuitHandlers(app2 as never, {
      closeFarm: async () => Promise.reject(new Error('boom')),
      log: log2,
    });
    app2.quit();
    await r2.closed;
    expect(app2.willQuit).toBe(1);
    expect(log2).toHaveBeenCalledWith('Stopping the solvers failed: boom');
  });
});
