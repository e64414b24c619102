/**
 * What a job the page sends over IPC may read and load (DESIGN 'Trust boundaries'), through
 * the real handlers (electron/ipc.ts), the real opened-file path (electron/open-file.ts) and a
 * real Farm on real solver processes. The page may not choose code: a custom kind's module is
 * loaded only from a job file the user opened, sent back unchanged, from that file's folder;
 * never at preview. Its files are only those the user opened. A fixture kind writes a mark
 * when it is imported (SOLVER_FARM_IMPORT_MARK), so "never imported" is observed, not assumed.
 */
import { EventEmitter } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../solver/channels.ts';
import { Farm } from '../../solver/farm/farm.ts';
import { NodeLauncher } from '../../solver/farm/node-launcher.ts';
import { farmJournal } from '../../solver/journal/farm-journal.ts';
import { FakeBrowserWindow, ipcEvent, ipcMain } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electron);

const { registerFarmIpc } = await import('../../electron/ipc.ts');
const { installOpenFileHandling } = await import('../../electron/open-file.ts');
const { UserGrants } = await import('../../electron/grants.ts');
const { appUrlMatcher } = await import('../../electron/app-url.ts');
const { SHELL_CHANNELS } = await import('../../electron/shell-channels.ts');

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MARKS_IMPORT = path.join(ROOT, 'test', 'fixtures', 'kinds', 'marks-import.ts');
const APP_URL = 'app://main_window/index.html';
const WYNDOR_LP =
  'Maximize\n profit: 300 doors + 500 windows\nSubject To\n plant1: doors <= 4\n plant2: 2 windows <= 12\n plant3: 3 doors + 2 windows <= 18\nEnd\n';
const GRID = [{ name: 'P', objective: 'windows', values: [100, 500] }];

const work = mkdtempSync(path.join(os.tmpdir(), 'ipc-job-access-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Reply = { ok: boolean; value?: Record<string, unknown>; error?: { name: string; message: string; code?: string } };
type Opened = { job: unknown; source: string };

let farm: Farm;
const dispose: (() => void)[] = [];
let dir: string;
let mark: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(work, 'case-'));
  mark = path.join(dir, 'imported.mark');
  process.env.SOLVER_FARM_IMPORT_MARK = mark;
});

afterEach(async () => {
  for (const undo of dispose.splice(0)) undo();
  await farm?.close();
  delete process.env.SOLVER_FARM_IMPORT_MARK;
});

/** The desktop app's main side: a Farm (keeping runs in `dataDir`), the IPC handlers, and the files the OS opens (argv). */
function desktop(argv: string[] = [], dataDir?: string) {
  ipcMain.handlers.clear();
  farm = new Farm({ launcher: new NodeLauncher(), cores: 1, ...(dataDir ? { journal: farmJournal(dataDir) } : {}) });
  const window = new FakeBrowserWindow({});
  const grants = new UserGrants();
  const app = new EventEmitter();
  const options = {
    getWindow: () => window as never,
    isAppUrl: appUrlMatcher({ rendererDir: path.join(dir, 'renderer'), host: 'main_window' }),
  };
  const openFiles = installOpenFileHandling({
    ...options,
    app: app as never,
    argv: ['/opt/sf', ...argv],
    cwd: dir,
    grants,
  });
  dispose.push(openFiles.dispose, registerFarmIpc({ ...options, farm, grants }));
  const event = ipcEvent(window.webContents, { url: APP_URL });
  /** The page calls a verb. */
  const call = async (verb: 'start' | 'preview' | 'resume', ...args: unknown[]): Promise<Reply> =>
    (await ipcMain.handlers.get(CHANNELS[verb])?.(event, ...args)) as Reply;
  /** The page listens for opened files and gets the first `count` the OS opened. */
  const opened = async (count = 1): Promise<Opened[]> => {
    ipcMain.emit(SHELL_CHANNELS.openFileListening, event, true);
    const files = () => window.webContents.sent.filter((m) => m.channel === SHELL_CHANNELS.openFile);
    await vi.waitFor(() => expect(files().length).toBeGreaterThanOrEqual(count));
    return files().map((m) => (m.args[0] as { value: Opened }).value);
  };
  return { app, call, opened };
}

/** A job file with a custom kind whose module (a copy of the marking fixture) sits beside it. */
function customJobFile(): string {
  copyFileSync(MARKS_IMPORT, path.join(dir, 'x.ts'));
  copyFileSync(MARKS_IMPORT, path.join(dir, 'y.ts'));
  const file = path.join(dir, 'custom.sfjob');
  writeFileSync(file, JSON.stringify({ kind: 'custom', name: 'mine', module: './x.ts', spec: {} }));
  return file;
}

describe('jobs from the desktop page', () => {
  it('refuses a page-made custom job with an absolute module at preview and at start, and never imports it', async () => {
    const { call } = desktop();
    const job = { kind: 'custom', module: MARKS_IMPORT, spec: {} };
    for (const verb of ['preview', 'start'] as const) {
      const reply = await call(verb, { job, source: 'page.json' });
      expect(reply.ok, verb).toBe(false);
      expect(reply.error?.message).toMatch(/\$\.module: expected no custom kind here: .*File ▸ Open/);
      expect(reply.error?.code).toBe('invalid-argument');
      expect(reply.error).not.toHaveProperty('stack');
    }
    expect(existsSync(mark)).toBe(false);
    expect((await farm.status()).solvers).toEqual([]);
  });

  it("starts the user's job file (its module beside it) when the page sends it back unchanged; preview imports nothing", async () => {
    const file = customJobFile();
    const { call, opened } = desktop([file]);
    const [job] = await opened();
    expect(job?.source).toBe(file);
    const preview = await call('preview', job);
    expect(preview).toMatchObject({ ok: true, value: { kind: 'custom', total: null } });
    expect(existsSync(mark)).toBe(false);
    const started = await call('start', { ...job, cores: 1 });
    expect(started).toMatchObject({ ok: true, value: { kind: 'custom', total: 2 } });
    expect(await farm.finished()).toBe('done');
    expect(readFileSync(mark, 'utf8')).toMatch(/imported by pid/);
  });

  it('refuses the job file once the page changed it: another module, even beside it', async () => {
    const file = customJobFile();
    const lp = path.join(dir, 'wyndor.lp');
    writeFileSync(lp, WYNDOR_LP);
    const { call, opened } = desktop([file, lp]);
    const [job] = await opened(2);
    const changed = { ...job, job: { ...(job?.job as object), module: './y.ts' } };
    for (const verb of ['preview', 'start'] as const) {
      const reply = await call(verb, changed);
      expect(reply.ok, verb).toBe(false);
      expect(reply.error?.message).toMatch(/expected no custom kind here/);
    }
    // Nor may the page pass the same document off as another file the user opened.
    expect((await call('start', { ...job, source: lp })).error?.message).toMatch(/expected no custom kind here/);
    expect(existsSync(mark)).toBe(false);
  });

  it('refuses the job file once the page changed a file it names; unchanged, it reads what it names', async () => {
    writeFileSync(path.join(dir, 'wyndor.lp'), WYNDOR_LP);
    writeFileSync(path.join(dir, 'other.lp'), WYNDOR_LP);
    const file = path.join(dir, 'sweep.sfjob');
    writeFileSync(file, JSON.stringify({ kind: 'sweep', modelFile: 'wyndor.lp', grid: GRID }));
    const { call, opened } = desktop([file]);
    const [job] = await opened();
    expect(await call('preview', job)).toMatchObject({ ok: true, value: { kind: 'sweep', total: 2 } });
    for (const modelFile of ['other.lp', '/etc/passwd']) {
      const reply = await call('preview', { ...job, job: { ...(job?.job as object), modelFile } });
      expect(reply.error?.message, modelFile).toMatch(
        /\$\.modelFile: expected a path inside the folders this farm exposes .* is outside them \(open the job file from disk/,
      );
    }
  });

  it('refuses a page job naming /etc/passwd as a sweep model file, at preview and at start', async () => {
    const { call } = desktop();
    const job = { kind: 'sweep', modelFile: '/etc/passwd', grid: GRID };
    for (const verb of ['preview', 'start'] as const) {
      const reply = await call(verb, { job, source: 'page.json' });
      expect(reply.ok, verb).toBe(false);
      expect(reply.error?.message).toMatch(/\$\.modelFile: expected a path inside the folders this farm exposes/);
      expect(reply.error?.message).not.toContain('root:');
    }
  });

  it('runs a model file opened from the OS (a one-file batch); the page may change the job but not what it reads', async () => {
    const lp = path.join(dir, 'wyndor.lp');
    writeFileSync(lp, WYNDOR_LP);
    writeFileSync(path.join(dir, 'beside.lp'), WYNDOR_LP);
    const { app, call, opened } = desktop();
    app.emit('open-file', { preventDefault() {} }, lp);
    const [job] = await opened();
    expect(job).toMatchObject({ source: lp, job: { kind: 'batch', files: ['wyndor.lp'] } });
    expect(await call('start', job)).toMatchObject({ ok: true, value: { kind: 'batch', total: 1 } });
    expect(await farm.finished()).toBe('done');
    // The page's own batch over the granted file is fine; over a file beside it, not.
    const engine = { ...job, job: { kind: 'batch', files: ['wyndor.lp'], engine: 'highs' } };
    expect(await call('preview', engine)).toMatchObject({ ok: true, value: { total: 1 } });
    const beside = await call('preview', { ...job, job: { kind: 'batch', files: ['beside.lp'] } });
    expect(beside.error?.message).toMatch(/expected a path inside the folders this farm exposes/);
  });
});

describe('resume from the desktop page', () => {
  /** The run a job file's start recorded under `data`: its folder, with job.json parsed. */
  function recorded(data: string, runId: string): { dir: string; job: Record<string, unknown> } {
    const dir = path.join(data, 'runs', runId);
    return { dir, job: JSON.parse(readFileSync(path.join(dir, 'job.json'), 'utf8')) as Record<string, unknown> };
  }

  /** Starts the user's custom job file over IPC, lets it finish, and forgets its results (so a resume has work). */
  async function finishedRun(data: string): Promise<{ runId: string; call: ReturnType<typeof desktop>['call'] }> {
    const file = customJobFile();
    const { call, opened } = desktop([file], data);
    const [job] = await opened();
    const started = await call('start', job);
    expect(started).toMatchObject({ ok: true, value: { kind: 'custom', total: 2 } });
    expect(await farm.finished()).toBe('done');
    const runId = (started.value as { runId: string }).runId;
    rmSync(path.join(recorded(data, runId).dir, 'results.jsonl'));
    rmSync(mark);
    return { runId, call };
  }

  it("resumes the user's job file run with its module, beside the file", async () => {
    const data = path.join(dir, 'data');
    const { runId, call } = await finishedRun(data);
    const resumed = await call('resume', runId);
    expect(resumed).toMatchObject({ ok: true, value: { runId, total: 2 } });
    expect(await farm.finished()).toBe('done');
    const lines = readFileSync(path.join(recorded(data, runId).dir, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(2);
  });

  it('refuses a run whose job.json was edited (a module elsewhere, another document or folder), importing nothing', async () => {
    const data = path.join(dir, 'data');
    const { runId, call } = await finishedRun(data);
    const { dir: runDir, job } = recorded(data, runId);
    const evil = path.join(dir, 'evil');
    mkdirSync(evil);
    copyFileSync(MARKS_IMPORT, path.join(evil, 'evil.ts'));
    const doc = job.job as Record<string, unknown>;
    const edits: Record<string, unknown>[] = [
      // The attacker's: a module in another folder, and the flag older versions trusted.
      { fromJobFile: true, baseDir: evil, job: { ...doc, module: './evil.ts' } },
      // The granted document, but resolved from another folder.
      { baseDir: evil },
      // Another document under the granted file's name (its module beside the file, even).
      { job: { ...doc, module: './y.ts' } },
      // The granted document and folder, but claimed for another file.
      { source: path.join(evil, 'custom.sfjob') },
    ];
    for (const edit of edits) {
      writeFileSync(path.join(runDir, 'job.json'), JSON.stringify({ ...job, ...edit }));
      const reply = await call('resume', runId);
      expect(reply.ok, JSON.stringify(edit)).toBe(false);
      expect(reply.error?.message, JSON.stringify(edit)).toMatch(
        /\$\.module: expected no custom kind here: .*File ▸ Open/,
      );
      expect(existsSync(mark), JSON.stringify(edit)).toBe(false);
    }
    expect((await farm.status()).state).not.toBe('running');
  });
});
