import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FarmApi, FarmEvent, FarmListener } from '../../solver/api.ts';
import { CHANNELS } from '../../solver/channels.ts';
import type { ResumeAccess } from '../../solver/farm/page-farm.ts';
import { FakeBrowserWindow, ipcEvent, ipcMain } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electron);

const { registerFarmIpc, ForeignSenderError } = await import('../../electron/ipc.ts');
const { appUrlMatcher } = await import('../../electron/app-url.ts');
const { UserGrants } = await import('../../electron/grants.ts');
const { PAGE_ACCESS_HINT } = await import('../../electron/request-access.ts');
const { JOB_FILE_ACCESS } = await import('../../solver/farm/page-farm.ts');

const RENDERER = '/opt/Solver Farm/resources/app.asar/.vite/renderer/main_window';
const APP_URL = 'app://main_window/index.html';
/** A job file the user opened (grants.ts), and the document it held. */
const JOB_FILE = '/home/ana/jobs/mine.sfjob';
const JOB_DOC = { kind: 'custom', module: './kind.ts', spec: {} };
/** What the page may read: the granted file, nothing else, and no code. */
const PAGE_ACCESS = { roots: [JOB_FILE], modules: [], hint: PAGE_ACCESS_HINT };

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
    // A resume's access is decided from the run's recorded job: recorded as decided for the
    // user's own job file, and for the same run with its job.json edited.
    resume: async (...args: unknown[]) => {
      const [runId, options, access] = args as [string, unknown, ResumeAccess];
      const granted = { source: JOB_FILE, baseDir: '/home/ana/jobs', job: JOB_DOC };
      const edited = { ...granted, job: { ...JOB_DOC, module: './other.ts' } };
      calls.push({ verb: 'resume', args: [runId, options, access(granted), access(edited)] });
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
    const grants = new UserGrants();
    grants.grantJobFile(JOB_FILE, JOB_DOC);
    dispose = registerFarmIpc({
      farm,
      grants,
      // biome-ignore lint/suspicious/noExplicitAny: the fake stands in for BrowserWindow.
      getWindow: () => window as any,
      isAppUrl: appUrlMatcher({ rendererDir: RENDERER, host: 'main_window' }),
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
    expect(farm.calls[2]?.args).toEqual([{ example: 'wyndor-sweep', cores: 2 }, { access: PAGE_ACCESS }]);
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
      ['resume', ['20261122-031500-ab12cd', { retryFailed: true, cores: 2 }, JOB_FILE_ACCESS, PAGE_ACCESS]],
      ['inspectModel', [{ name: 'a.lp', text: 'max\n x\nend\n' }]],
      ['preview', [{ example: 'wyndor-sweep' }, PAGE_ACCESS]],
    ]);
  });

  it("runs the user's job file, sent back unchanged, as a job file, and anything else the page sends as the page's", async () => {
    const event = ipcEvent(window.webContents, { url: APP_URL });
    const call = (channel: string, arg: unknown) => ipcMain.handlers.get(channel)?.(event, arg);
    const unchanged = { job: structuredClone(JOB_DOC), source: JOB_FILE, cores: 1 };
    const changed = { job: { ...JOB_DOC, module: '/tmp/evil.mjs' }, source: JOB_FILE };
    const pageMade = { job: structuredClone(JOB_DOC), source: 'mine.sfjob' };
    for (const channel of [CHANNELS.preview, CHANNELS.start]) {
      for (const request of [unchanged, changed, pageMade]) await call(channel, request);
    }
    expect(farm.calls.map((c) => [c.verb, c.args[1]])).toEqual([
      ['preview', JOB_FILE_ACCESS],
      ['preview', PAGE_ACCESS],
      ['preview', PAGE_ACCESS],
      ['start', { access: JOB_FILE_ACCESS }],
      ['start', { access: PAGE_ACCESS }],
      ['start', { access: PAGE_ACCESS }],
    ]);
    // The trusted job reaches the farm as the grant's own copy, not the object the page sent.
    expect(farm.calls[0]?.args[0]).toEqual({ job: JOB_DOC, source: JOB_FILE, cores: 1 });
    expect((farm.calls[0]?.args[0] as { job?: unknown } | undefined)?.job).not.toBe(unchanged.job);
    expect(farm.calls[1]?.args[0]).toBe(changed);
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
      await call(CHANNELS.terminate, { force: 'yes' }),
      await call(CHANNELS.terminate, 'now'),
    ]) {
      expect(reply).toMatchObject({ ok: false, error: { name: 'TypeError' } });
    }
    expect(farm.calls).toEqual([]);
  });

  it("returns the farm's error message unchanged, as data, with a code and no stack", async () => {
    const event = ipcEvent(window.webContents, { url: APP_URL });
    const reply = await ipcMain.handlers.get(CHANNELS.start)?.(event, { example: 'nope' });
    expect(reply).toEqual({ ok: false, error: { name: 'Error', message: 'Unknown example "nope".', code: 'error' } });
    const refused = await ipcMain.handlers.get(CHANNELS.start)?.(event, 'wyndor-sweep');
    expect(refused).toMatchObject({ ok: false, error: { name: 'TypeError', code: 'invalid-argument' } });
    expect(Object.keys((refused as { error: object }).error).sort()).toEqual(['code', 'message', 'name']);
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

  it('forwards errors in events without their stacks (the journal keeps them)', () => {
    const stack = 'Error: bad task\n    at solve (/home/me/kinds/secret-kind.ts:12:9)';
    farm.emit([
      { type: 'error', solver: 0, error: { name: 'Error', message: 'crashed', stack } },
      { type: 'run', state: 'failed', run: null, error: { name: 'Error', message: 'run failed', stack } },
    ]);
    expect(window.webContents.sent).toEqual([
      {
        channel: CHANNELS.events,
        args: [
          [
            { type: 'error', solver: 0, error: { name: 'Error', message: 'crashed' } },
            { type: 'run', state: 'failed', run: null, error: { name: 'Error', message: 'run failed' } },
          ],
        ],
      },
    ]);
    dispose();
  });
});
