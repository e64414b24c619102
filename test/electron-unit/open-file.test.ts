/**
 * electron/open-file.ts with a mocked `electron`: files the OS hands the app (argv at start-up,
 * 'second-instance' argv, macOS 'open-file') reach the page as { job, source } once the app's
 * own page says it listens — never before, never to a foreign page — and what arrives is a
 * request the real farm's job loader accepts (a job file as is, a model as a one-file batch).
 */

import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, ipcEvent, ipcMain } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electron);

const { filesFromArgv, installOpenFileHandling, readOpenedFile } = await import('../../electron/open-file.ts');
const { SHELL_CHANNELS } = await import('../../electron/shell-channels.ts');
const { UserGrants } = await import('../../electron/grants.ts');
const { baseDirOf, loadJob } = await import('../../solver/farm/job.ts');
const { kinds } = await import('../../solver/problems/registry.ts');
const { JOB_FILE_ACCESS } = await import('../../solver/problems/job-access.ts');

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const APP_URL = 'file:///app/.vite/renderer/main_window/index.html';
const dir = mkdtempSync(path.join(os.tmpdir(), 'open-file-test-'));
const jobFile = path.join(dir, 'my wyndor.sfjob');
writeFileSync(jobFile, readFileSync(path.join(ROOT, 'examples', 'wyndor-sweep.json')));
const lpFile = path.join(dir, 'wyndor.lp');
writeFileSync(
  lpFile,
  'Maximize\n profit: 300 doors + 500 windows\nSubject To\n plant1: doors <= 4\n plant2: 2 windows <= 12\n plant3: 3 doors + 2 windows <= 18\nEnd\n',
);
const brokenJob = path.join(dir, 'broken.sfjob');
writeFileSync(brokenJob, '{ "kind": "sweep", ');

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
let dispose: (() => void) | null = null;
afterEach(() => {
  dispose?.();
  dispose = null;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function setup(argv: string[] = ['/opt/Solver Farm/solver-farm']) {
  const app = new EventEmitter();
  let window = new FakeBrowserWindow({});
  const focus = vi.fn();
  const grants = new UserGrants();
  const handling = installOpenFileHandling({
    app: app as never,
    getWindow: () => window as never,
    isAppUrl: (url) => url === APP_URL,
    argv,
    cwd: dir,
    focus,
    grants,
  });
  dispose = handling.dispose;
  const listen = (url = APP_URL) =>
    ipcMain.emit(SHELL_CHANNELS.openFileListening, ipcEvent(window.webContents, { url }), true);
  // macOS keeps the app when its window closes and opens a new one on 'activate'.
  const replaceWindow = () => {
    window.destroyed = true;
    window = new FakeBrowserWindow({});
  };
  const delivered = () =>
    window.webContents.sent.filter((m) => m.channel === SHELL_CHANNELS.openFile).map((m) => m.args[0]) as {
      ok: boolean;
      value?: { name: string; source: string; role: string; job: unknown };
      error?: { message: string };
    }[];
  return { app, window, focus, listen, delivered, replaceWindow, grants, open: handling.open };
}

describe('electron/open-file.ts', () => {
  it('finds the files to open among the arguments, resolved against the working directory', () => {
    const argv = ['/opt/Solver Farm/solver-farm', '--no-sandbox', 'jobs/a.sfjob', 'M.MPS', 'notes.txt', 'b.json'];
    expect(filesFromArgv(argv, '/home/ana')).toEqual(['/home/ana/jobs/a.sfjob', '/home/ana/M.MPS', '/home/ana/b.json']);
    // `electron .` (development): the app path is not a file to open.
    expect(filesFromArgv(['/x/electron', '.', '--inspect=9229'], '/home/ana')).toEqual([]);
  });

  // Linux desktop entries pass %U: file managers send file:// URLs; other URLs are not files.
  it.skipIf(process.platform === 'win32')('turns file:// URLs (Linux %U) into paths and skips other URLs', () => {
    const argv = [
      '/opt/Solver Farm/solver-farm',
      'file:///home/ana/my%20jobs/w.sfjob',
      'https://evil.example/x.lp',
      'file://server/share/y.mps',
    ];
    expect(filesFromArgv(argv, '/home/ana')).toEqual(['/home/ana/my jobs/w.sfjob']);
  });

  it('holds a file given at start-up until the app page listens, then delivers it as { job, source }', async () => {
    const { listen, delivered } = setup(['/opt/Solver Farm/solver-farm', jobFile]);
    await tick();
    expect(delivered()).toEqual([]);
    listen();
    await tick();
    const [reply] = delivered();
    expect(reply?.ok).toBe(true);
    expect(reply?.value).toMatchObject({ name: 'my wyndor.sfjob', source: jobFile, role: 'job' });
    expect(reply?.value?.job).toEqual(JSON.parse(readFileSync(jobFile, 'utf8')));
    // What the page will pass to farm.start is a job the farm accepts: 901 Wyndor tasks.
    const loaded = await loadJob(reply?.value?.job, jobFile, baseDirOf(jobFile), kinds, JOB_FILE_ACCESS);
    expect(loaded.kindName).toBe('sweep');
    expect(loaded.plan.type === 'tasks' ? loaded.plan.count : null).toBe(901);
  });

  it('never delivers to a foreign page claiming to listen', async () => {
    const { listen, delivered } = setup(['/opt/Solver Farm/solver-farm', jobFile]);
    listen('https://evil.example/');
    await tick();
    expect(delivered()).toEqual([]);
  });

  it('opens a model passed to a second launch (Windows, Linux) as a one-file batch the farm accepts', async () => {
    const { app, listen, delivered } = setup();
    listen();
    app.emit('second-instance', {}, ['C:\\Program Files\\Solver Farm\\solver-farm.exe', 'wyndor.lp'], dir);
    await tick();
    const [reply] = delivered();
    expect(reply?.value).toEqual({
      name: 'wyndor.lp',
      source: lpFile,
      role: 'model',
      job: { kind: 'batch', files: ['wyndor.lp'] },
    });
    const loaded = await loadJob(reply?.value?.job, lpFile, baseDirOf(lpFile), kinds, JOB_FILE_ACCESS);
    expect(loaded.kindName).toBe('batch');
    expect(loaded.plan.type === 'tasks' ? loaded.plan.count : null).toBe(1);
  });

  it("handles macOS 'open-file': claims the event, brings the window up, delivers the job", async () => {
    const { app, focus, listen, delivered } = setup();
    listen();
    const event = { preventDefault: vi.fn() };
    app.emit('open-file', event, jobFile);
    await tick();
    expect(event.preventDefault).toHaveBeenCalledOnce();
    expect(focus).toHaveBeenCalledOnce();
    expect(delivered()[0]?.value?.source).toBe(jobFile);
  });

  it('sends a file that cannot be opened as an error naming the file and what to do', async () => {
    const { app, listen, delivered } = setup();
    listen();
    app.emit('open-file', { preventDefault() {} }, brokenJob);
    app.emit('open-file', { preventDefault() {} }, path.join(dir, 'missing.sfjob'));
    await tick();
    const [broken, missing] = delivered();
    expect(broken?.ok).toBe(false);
    expect(broken?.error?.message).toMatch(
      new RegExp(`^${brokenJob.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`),
    );
    expect(broken?.error?.message).toContain('A job file is a JSON document');
    expect(missing?.error?.message).toContain('missing.sfjob: no such job file');
    // A FIFO or a device named as a job file is refused at once, never read (it would hang or never end).
    const fifo = path.join(dir, 'pipe.sfjob');
    execFileSync('mkfifo', [fifo]);
    await expect(readOpenedFile(fifo)).rejects.toThrow(`${fifo}: not a regular file (a FIFO).`);
    symlinkSync('/dev/zero', path.join(dir, 'zero.sfjob'));
    await expect(readOpenedFile(path.join(dir, 'zero.sfjob'))).rejects.toThrow(
      /not a regular file \(a character device\)/,
    );
    await expect(readOpenedFile(path.join(dir, 'notes.txt'))).rejects.toThrow(
      /opens job files \(\.sfjob, \.json\) and models/,
    );
  });

  it("records each file it reads as the user's grant before the page sees it: a job file with its document", async () => {
    const { app, grants, listen, delivered, open } = setup(['/opt/Solver Farm/solver-farm', jobFile]);
    app.emit('open-file', { preventDefault() {} }, lpFile);
    app.emit('open-file', { preventDefault() {} }, brokenJob);
    // The app's own Open dialog hands its picks over the same way.
    open(path.join(dir, 'sub', '..', 'missing.sfjob'));
    listen();
    await vi.waitFor(() => expect(delivered()).toHaveLength(4));
    expect(grants.paths().sort()).toEqual([jobFile, lpFile].sort());
    const [job, model] = delivered();
    // What the page got, sent back as it is, is the user's job file; the model is only a readable file.
    expect(grants.jobFileDocument(jobFile, job?.value?.job)).toEqual(JSON.parse(readFileSync(jobFile, 'utf8')));
    expect(grants.jobFileDocument(lpFile, model?.value?.job)).toBeUndefined();
    expect(delivered().map((reply) => reply.ok)).toEqual([true, true, false, false]);
  });

  it('after a reload the page must listen again; files opened meanwhile wait for it', async () => {
    const { app, window, listen, delivered } = setup();
    listen();
    window.webContents.emit('did-start-loading');
    app.emit('open-file', { preventDefault() {} }, jobFile);
    await tick();
    expect(delivered()).toEqual([]);
    listen();
    await tick();
    expect(delivered()).toHaveLength(1);
  });

  it('a window opened later gets pending files only once its own page listens', async () => {
    const { app, listen, delivered, replaceWindow } = setup();
    listen();
    replaceWindow();
    app.emit('open-file', { preventDefault() {} }, jobFile);
    await tick();
    expect(delivered()).toEqual([]);
    listen();
    await tick();
    expect(delivered().map((reply) => reply.value?.source)).toEqual([jobFile]);
  });
});
