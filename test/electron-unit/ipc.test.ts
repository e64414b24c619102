import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FarmApi, FarmEvent, FarmListener } from '../../solver/api.ts';
import { CHANNELS } from '../../solver/channels.ts';
import { FakeBrowserWindow, ipcEvent, ipcMain } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electron);

const { registerFarmIpc, ForeignSenderError } = await import('../../electron/ipc.ts');
const { appUrlMatcher } = await import('../../electron/app-url.ts');

const INDEX = '/opt/Solver Farm/resources/app.asar/.vite/renderer/main_window/index.html';
const APP_URL = 'file:///opt/Solver%20Farm/resources/app.asar/.vite/renderer/main_window/index.html';

/** A farm that records calls and lets the test emit event batches. */
function recordingFarm(): FarmApi & { calls: { verb: string; args: unknown[] }[]; emit(events: FarmEvent[]): void } {
  const listeners = new Set<FarmListener>();
  const calls: { verb: string; args: unknown[] }[] = [];
  return {
    calls,
    emit: (events) => {
      for (const l of listeners) l(events);
    },
    start: async (...args) => {
      calls.push({ verb: 'start', args });
      if ('example' in args[0] && args[0].example === 'nope') throw new Error('Unknown example "nope".');
      return {
        runId: 'r1',
        kind: 'sweep',
        name: 'x',
        total: 1,
        steps: null,
        cores: 1,
        startedAt: 0,
        view: { kind: 'none' },
      };
    },
    terminate: async (...args) => {
      calls.push({ verb: 'terminate', args });
      return 'graceful';
    },
    status: async () => {
      calls.push({ verb: 'status', args: [] });
      return { state: 'idle', run: null, solvers: [], progress: null, terminate: 'none', at: 1 };
    },
    examples: async () => {
      calls.push({ verb: 'examples', args: [] });
      return [{ id: 'wyndor-sweep', name: 'Wyndor', description: '', kind: 'sweep' }];
    },
    runs: async () => {
      calls.push({ verb: 'runs', args: [] });
      return [];
    },
    openRun: async (...args) => {
      calls.push({ verb: 'openRun', args });
      throw new Error('There is no run 20261122-031500-ab12cd');
    },
    resume: async (...args) => {
      calls.push({ verb: 'resume', args });
      throw new Error('not resumable');
    },
    inspectModel: async (...args) => {
      calls.push({ verb: 'inspectModel', args });
      return { name: 'a', format: 'lp', sense: 'max', variables: ['x'], integers: 0, constraints: [], nonzeros: 0 };
    },
    preview: async (...args) => {
      calls.push({ verb: 'preview', args });
      return { kind: 'sweep', name: 'x', total: 901, steps: null };
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const ALL_CHANNELS = (Object.keys(CHANNELS) as (keyof typeof CHANNELS)[])
  .filter((verb) => verb !== 'events')
  .map((verb) => CHANNELS[verb]);

describe('electron/ipc.ts', () => {
  let farm: ReturnType<typeof recordingFarm>;
  let window: FakeBrowserWindow;
  let dispose: () => void;

  beforeEach(() => {
    ipcMain.handlers.clear();
    farm = recordingFarm();
    window = new FakeBrowserWindow({});
    dispose = registerFarmIpc({
      farm,
      // biome-ignore lint/suspicious/noExplicitAny: the fake stands in for BrowserWindow.
      getWindow: () => window as any,
      isAppUrl: appUrlMatcher({ indexFile: INDEX }),
    });
  });

  it('registers exactly one handler per FarmApi verb, on the channels of solver/channels.ts', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...ALL_CHANNELS].sort());
    expect(ALL_CHANNELS).toHaveLength(9);
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it("answers the main window's own page, for every verb", async () => {
    const event = ipcEvent(window.webContents, { url: `${APP_URL}#/results` });
    const call = (channel: string, arg?: unknown) => ipcMain.handlers.get(channel)?.(event, arg);
    await expect(call(CHANNELS.examples)).resolves.toEqual({
      ok: true,
      value: [expect.objectContaining({ id: 'wyndor-sweep' })],
    });
    await expect(call(CHANNELS.status)).resolves.toMatchObject({ ok: true, value: { state: 'idle' } });
    await expect(call(CHANNELS.start, { example: 'wyndor-sweep', cores: 2 })).resolves.toMatchObject({
      ok: true,
      value: { runId: 'r1' },
    });
    await expect(call(CHANNELS.terminate, { force: true })).resolves.toEqual({ ok: true, value: 'graceful' });
    expect(farm.calls.map((c) => c.verb)).toEqual(['examples', 'status', 'start', 'terminate']);
    expect(farm.calls[2]?.args).toEqual([{ example: 'wyndor-sweep', cores: 2 }]);
    expect(farm.calls[3]?.args).toEqual([{ force: true }]);
  });

  it('passes the run-history and inspection verbs their (checked) arguments', async () => {
    const event = ipcEvent(window.webContents, { url: APP_URL });
    const call = (channel: string, ...args: unknown[]) => ipcMain.handlers.get(channel)?.(event, ...args);
    await expect(call(CHANNELS.runs)).resolves.toEqual({ ok: true, value: [] });
    await expect(call(CHANNELS.openRun, '20261122-031500-ab12cd', { offset: 5, limit: 10 })).resolves.toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('no run') },
    });
    await expect(
      call(CHANNELS.resume, '20261122-031500-ab12cd', { retryFailed: true, cores: 2 }),
    ).resolves.toMatchObject({ ok: false });
    await expect(call(CHANNELS.inspectModel, { name: 'a.lp', text: 'max\n x\nend\n' })).resolves.toMatchObject({
      ok: true,
      value: { format: 'lp' },
    });
    await expect(call(CHANNELS.preview, { example: 'wyndor-sweep' })).resolves.toMatchObject({
      ok: true,
      value: { total: 901 },
    });
    expect(farm.calls.map((c) => [c.verb, c.args])).toEqual([
      ['runs', []],
      ['openRun', ['20261122-031500-ab12cd', { offset: 5, limit: 10 }]],
      ['resume', ['20261122-031500-ab12cd', { retryFailed: true, cores: 2 }]],
      ['inspectModel', [{ name: 'a.lp', text: 'max\n x\nend\n' }]],
      ['preview', [{ example: 'wyndor-sweep' }]],
    ]);
  });

  it('refuses a path instead of a run id, and bad options, before they reach the farm', async () => {
    const event = ipcEvent(window.webContents, { url: APP_URL });
    const call = (channel: string, ...args: unknown[]) => ipcMain.handlers.get(channel)?.(event, ...args);
    for (const reply of [
      await call(CHANNELS.openRun, '../../etc'),
      await call(CHANNELS.resume, '/tmp/runs/x'),
      await call(CHANNELS.openRun, '20261122-031500-ab12cd', { limit: -1 }),
      await call(CHANNELS.resume, '20261122-031500-ab12cd', { cores: 'all' }),
      await call(CHANNELS.inspectModel, 'a.lp'),
      await call(CHANNELS.preview, 'wyndor-sweep'),
    ]) {
      expect(reply).toMatchObject({ ok: false, error: { name: 'TypeError' } });
    }
    expect(farm.calls).toEqual([]);
  });

  it("returns the farm's error message unchanged, as data", async () => {
    const event = ipcEvent(window.webContents, { url: APP_URL });
    const reply = await ipcMain.handlers.get(CHANNELS.start)?.(event, { example: 'nope' });
    expect(reply).toEqual({ ok: false, error: { name: 'Error', message: 'Unknown example "nope".' } });
  });

  it('refuses malformed arguments before they reach the farm', async () => {
    const event = ipcEvent(window.webContents, { url: APP_URL });
    const reply = await ipcMain.handlers.get(CHANNELS.start)?.(event, 'wyndor-sweep');
    expect(reply).toMatchObject({ ok: false, error: { name: 'TypeError' } });
    expect(farm.calls).toEqual([]);
  });

  const foreign: [string, () => ReturnType<typeof ipcEvent>][] = [
    ['another window', () => ipcEvent(new FakeBrowserWindow({}).webContents, { url: APP_URL })],
    ['a sub-frame of the window', () => ipcEvent(window.webContents, { url: APP_URL, parent: {} })],
    ['a foreign page in the window', () => ipcEvent(window.webContents, { url: 'https://evil.example/' })],
    ['another file:// page', () => ipcEvent(window.webContents, { url: 'file:///tmp/index.html' })],
    ['a destroyed frame', () => ipcEvent(window.webContents, null)],
  ];
  for (const [name, makeEvent] of foreign) {
    it(`refuses ${name} on every channel, without touching the farm`, () => {
      for (const channel of ALL_CHANNELS) {
        expect(() => ipcMain.handlers.get(channel)?.(makeEvent(), { example: 'wyndor-sweep' })).toThrow(
          ForeignSenderError,
        );
      }
      expect(farm.calls).toEqual([]);
    });
  }

  it('forwards each farm event batch as one send on the events channel', () => {
    const batch1: FarmEvent[] = [
      { type: 'log', solver: 0, lines: ['a', 'b'] },
      { type: 'log', solver: 1, lines: ['c'] },
    ];
    const batch2: FarmEvent[] = [{ type: 'run', state: 'running', run: null }];
    farm.emit(batch1);
    farm.emit(batch2);
    expect(window.webContents.sent).toEqual([
      { channel: CHANNELS.events, args: [batch1] },
      { channel: CHANNELS.events, args: [batch2] },
    ]);
    window.destroyed = true;
    farm.emit(batch2);
    expect(window.webContents.sent).toHaveLength(2);
    dispose();
  });
});
