import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FarmApi, FarmEvent } from '../../solver/api.ts';
import { CHANNELS } from '../../solver/channels.ts';
import { FARM_SHELL_VERBS, FARM_VERBS } from '../support/preload-bridges.ts';
import { fakeState, ipcRenderer } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).electron);

await import('../../electron/preload.ts');
const farm = fakeState.exposed.get('farm') as FarmApi;
const shell = fakeState.exposed.get('farmShell') as {
  onMenu(listener: (c: string) => void): () => void;
  onOpenFile(listener: (opened: unknown) => void): () => void;
};

describe('electron/preload.ts', () => {
  beforeEach(() => {
    ipcRenderer.invoke.mockReset();
    ipcRenderer.send.mockReset();
  });

  it('exposes window.farm with the FarmApi verbs and nothing else (no send/invoke passthrough)', () => {
    expect(Object.keys(farm).sort()).toEqual(FARM_VERBS);
    expect(Object.keys(shell)).toEqual(FARM_SHELL_VERBS);
  });

  it('sends each verb on its own channel and unwraps the reply', async () => {
    ipcRenderer.invoke.mockImplementation(async (channel: string) => ({ ok: true, value: `${channel} done` }));
    await expect(farm.start({ example: 'wyndor-sweep' })).resolves.toBe('farm:start done');
    await expect(farm.terminate({ force: true })).resolves.toBe('farm:terminate done');
    await expect(farm.status()).resolves.toBe('farm:status done');
    await expect(farm.examples()).resolves.toBe('farm:examples done');
    await expect(farm.runs()).resolves.toBe('farm:runs done');
    await expect(farm.openRun('20261122-031500-ab12cd', { offset: 10, limit: 5 })).resolves.toBe('farm:open-run done');
    await expect(farm.resume('20261122-031500-ab12cd', { retryFailed: true })).resolves.toBe('farm:resume done');
    await expect(farm.inspectModel({ name: 'a.lp', text: 'max\n x\nend\n' })).resolves.toBe('farm:inspect-model done');
    await expect(farm.preview({ example: 'wyndor-sweep' })).resolves.toBe('farm:preview done');
    expect(ipcRenderer.invoke.mock.calls).toEqual([
      [CHANNELS.start, { example: 'wyndor-sweep' }],
      [CHANNELS.terminate, { force: true }],
      [CHANNELS.status],
      [CHANNELS.examples],
      [CHANNELS.runs],
      [CHANNELS.openRun, '20261122-031500-ab12cd', { offset: 10, limit: 5 }],
      [CHANNELS.resume, '20261122-031500-ab12cd', { retryFailed: true }],
      [CHANNELS.inspectModel, { name: 'a.lp', text: 'max\n x\nend\n' }],
      [CHANNELS.preview, { example: 'wyndor-sweep' }],
    ]);
  });

  it("rejects with the farm's own error name and message", async () => {
    ipcRenderer.invoke.mockResolvedValue({
      ok: false,
      error: { name: 'ValidationError', message: 'job.json: $.grid[0].step: expected a positive number, got 0' },
    });
    await expect(farm.start({ job: {}, source: 'job.json' })).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'job.json: $.grid[0].step: expected a positive number, got 0',
    });
  });

  it('fans one events listener out to every subscriber, and unsubscribes', () => {
    const a: FarmEvent[][] = [];
    const b: FarmEvent[][] = [];
    const offA = farm.subscribe((events) => a.push(events));
    const offB = farm.subscribe((events) => b.push(events));
    expect(ipcRenderer.listenerCount(CHANNELS.events)).toBe(1);
    const batch: FarmEvent[] = [{ type: 'log', solver: 0, lines: ['x'] }];
    ipcRenderer.emit(CHANNELS.events, {}, batch);
    offA();
    ipcRenderer.emit(CHANNELS.events, {}, batch);
    expect(a).toEqual([batch]);
    expect(b).toEqual([batch, batch]);
    offB();
    expect(ipcRenderer.listenerCount(CHANNELS.events)).toBe(0);
  });

  it('passes only known menu commands to onMenu and tells main it listens', () => {
    const commands: string[] = [];
    const off = shell.onMenu((c) => commands.push(c));
    expect(ipcRenderer.send).toHaveBeenCalledWith('farm:menu-listening', true);
    ipcRenderer.emit('farm:menu', {}, 'start');
    ipcRenderer.emit('farm:menu', {}, 'rm -rf');
    ipcRenderer.emit('farm:menu', {}, 'status');
    off();
    ipcRenderer.emit('farm:menu', {}, 'terminate');
    expect(commands).toEqual(['start', 'status']);
    expect(ipcRenderer.send).toHaveBeenLastCalledWith('farm:menu-listening', false);
  });

  it('passes opened files to onOpenFile as { ok, job, source } or { ok: false, error }, and tells main it listens', () => {
    const opened: unknown[] = [];
    const off = shell.onOpenFile((o) => opened.push(o));
    expect(ipcRenderer.send).toHaveBeenCalledWith('farm:open-file-listening', true);
    const value = { name: 'a.sfjob', source: '/home/ana/a.sfjob', role: 'job', job: { kind: 'sweep' } };
    ipcRenderer.emit('farm:open-file', {}, { ok: true, value });
    ipcRenderer.emit(
      'farm:open-file',
      {},
      { ok: false, error: { name: 'Error', message: '/x.sfjob: not valid JSON' } },
    );
    off();
    ipcRenderer.emit('farm:open-file', {}, { ok: true, value });
    expect(opened).toEqual([
      { ok: true, ...value },
      { ok: false, error: '/x.sfjob: not valid JSON' },
    ]);
    expect(ipcRenderer.send).toHaveBeenLastCalledWith('farm:open-file-listening', false);
    expect(() => shell.onOpenFile('x' as never)).toThrow(TypeError);
  });
});
