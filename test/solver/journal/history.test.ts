import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultDataRoot, formatDuration, formatRunTable, listRuns } from '../../../solver/journal/history.ts';
import { RunRecorder } from '../../../solver/journal/recorder.ts';
import { RUN_FILES } from '../../../solver/journal/run-dir.ts';
import { result, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

async function makeRun(runId: string, n: number, failEvery: number) {
  return RunRecorder.create(
    {
      root: tmp.dir,
      runId,
      job: { kind: 'sweep' },
      source: `/jobs/${runId}.json`,
      baseDir: '/jobs',
      kind: 'sweep',
      name: `job ${runId}`,
      taskCount: n,
      steps: null,
      specHash: 'x',
    },
    { summaryRefreshMs: 0 },
  ).then((rec) => {
    for (let i = 0; i < n; i++) rec.result(result(i, i % failEvery === 0 ? 'error' : 'optimal'));
    return rec;
  });
}

describe('listRuns', () => {
  it('is empty for a root without runs', async () => {
    expect(await listRuns(path.join(tmp.dir, 'nothing'))).toEqual({ runs: [], broken: [] });
  });

  it('lists runs newest first with status, counts and duration; flags killed runs as interrupted', async () => {
    const a = await makeRun('20261120-100000-aaaa', 10, 5);
    a.finish({ status: 'done' });
    const b = await makeRun('20261121-100000-bbbb', 20, 100);
    b.finish({ status: 'failed', reason: 'halted after 1 failed task (policy.haltAfterFailures is 1)' });
    // c is "killed": its summary says running and its lock names a dead process.
    const c = await makeRun('20261122-100000-cccc', 7, 100);
    c.flush();
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    writeFileSync(
      path.join(c.dir, RUN_FILES.lock),
      JSON.stringify({ pid: Number(dead.stdout.trim()), host: hostname(), since: 'x' }),
    );
    // A stray folder that is not a run.
    mkdirSync(path.join(tmp.dir, 'runs', 'junk'));

    const { runs, broken } = await listRuns(tmp.dir, { exact: true });
    expect(runs.map((r) => r.runId)).toEqual(['20261122-100000-cccc', '20261121-100000-bbbb', '20261120-100000-aaaa']);
    expect(runs[0]).toMatchObject({ status: 'interrupted', done: 6, failed: 1, total: 7 });
    expect(runs[1]).toMatchObject({ status: 'failed', done: 19, failed: 1, reason: expect.stringMatching(/halted/) });
    expect(runs[2]).toMatchObject({
      status: 'done',
      done: 8,
      failed: 2,
      total: 10,
      kind: 'sweep',
      name: 'job 20261120-100000-aaaa',
    });
    expect(runs[2]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(broken).toEqual([
      { dir: path.join(tmp.dir, 'runs', 'junk'), error: expect.stringMatching(/not a run directory/) },
    ]);

    const table = formatRunTable(runs);
    expect(table.split('\n')[0]).toMatch(/^RUN\s+STATUS\s+KIND\s+DONE\s+FAILED\s+DURATION\s+NAME$/);
    expect(table).toMatch(/20261122-100000-cccc\s+interrupted\s+sweep\s+6\/7\s+1/);
    rmSync(path.join(c.dir, RUN_FILES.lock), { force: true });
  });
});

describe('defaultDataRoot', () => {
  it('follows SOLVER_FARM_HOME, then the OS data folder', () => {
    expect(defaultDataRoot({ SOLVER_FARM_HOME: '/srv/farm' }, 'linux')).toBe(path.resolve('/srv/farm'));
    expect(defaultDataRoot({ HOME: '/home/a' }, 'linux')).toBe(path.join('/home/a', '.local', 'share', 'solver-farm'));
    expect(defaultDataRoot({ HOME: '/home/a', XDG_DATA_HOME: '/x' }, 'linux')).toBe(path.join('/x', 'solver-farm'));
    expect(defaultDataRoot({ HOME: '/Users/a' }, 'darwin')).toBe(
      path.join('/Users/a', 'Library', 'Application Support', 'solver-farm'),
    );
    expect(defaultDataRoot({ LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }, 'win32')).toMatch(/solver-farm$/);
  });

  it('formats durations', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(7_380_000)).toBe('2 h 03 min');
  });
});
