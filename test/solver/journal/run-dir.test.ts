import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunRecorder } from '../../../solver/journal/recorder.ts';
import {
  isRunId,
  JOB_FORMAT,
  liveLockHolder,
  type NewRun,
  newRunId,
  RUN_FILES,
  RunDir,
  readRunJob,
} from '../../../solver/journal/run-dir.ts';
import { tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function newRun(extra: Partial<NewRun> = {}): NewRun {
  return {
    root: tmp.dir,
    job: { kind: 'sweep', name: 'Wyndor', grid: [] },
    source: '/jobs/wyndor-sweep.json',
    baseDir: '/jobs',
    kind: 'sweep',
    name: 'Wyndor',
    taskCount: 901,
    steps: null,
    specHash: 'ab'.repeat(32),
    cores: 2,
    ...extra,
  };
}

describe('run ids', () => {
  it('are UTC timestamp + 4 hex digits and sort by time', () => {
    const a = newRunId(new Date(Date.UTC(2026, 10, 22, 3, 15, 0)));
    expect(a).toMatch(/^20261122-031500-[0-9a-f]{4}$/);
    expect(isRunId(a)).toBe(true);
    const b = newRunId(new Date(Date.UTC(2026, 10, 22, 3, 15, 1)));
    const c = newRunId(new Date(Date.UTC(2027, 0, 1, 0, 0, 0)));
    expect([c, a, b].sort()).toEqual([a, b, c]);
    expect(isRunId('2026-11-22')).toBe(false);
  });
});

describe('RunDir', () => {
  it('creates <root>/runs/<id>/ with job.json, logs/ and a lock', () => {
    const run = RunDir.create(newRun({ runId: '20261122-031500-ab12' }));
    expect(run.dir).toBe(path.join(tmp.dir, 'runs', '20261122-031500-ab12'));
    const job = JSON.parse(readFileSync(run.file('job'), 'utf8'));
    expect(job).toMatchObject({
      format: JOB_FORMAT,
      runId: '20261122-031500-ab12',
      source: '/jobs/wyndor-sweep.json',
      baseDir: path.resolve('/jobs'),
      kind: 'sweep',
      taskCount: 901,
      steps: null,
      cores: 2,
      job: { kind: 'sweep', name: 'Wyndor', grid: [] },
    });
    expect(readRunJob(run.dir)).toEqual(job);
    expect(existsSync(path.join(run.dir, 'logs'))).toBe(true);
    expect(liveLockHolder(run.dir)?.pid).toBe(process.pid);
    run.log(1).write(['hello']);
    run.release();
    expect(readFileSync(path.join(run.dir, 'logs', 'solver-1.log'), 'utf8')).toBe('hello\n');
    expect(existsSync(run.file('lock'))).toBe(false);
  });

  it('uses an exact --out folder, and refuses one that holds a run or other files', () => {
    const out = path.join(tmp.dir, 'out');
    const run = RunDir.create(newRun({ dir: out }));
    expect(run.dir).toBe(out);
    run.release();
    expect(() => RunDir.create(newRun({ dir: out }))).toThrow(
      /already holds a run; resume it with `solver-farm resume/,
    );
    const other = path.join(tmp.dir, 'other');
    mkdirSync(other);
    writeFileSync(path.join(other, 'notes.txt'), 'x');
    expect(() => RunDir.create(newRun({ dir: other }))).toThrow(/is not empty/);
  });

  it('refuses to open a run locked by a live process, takes over a dead one', () => {
    const run = RunDir.create(newRun());
    // Locked by this (live) process.
    expect(() => RunDir.open(run.dir)).toThrow(/in use by process \d+/);
    run.release();
    // A lock left by a process that died (SIGKILL leaves it behind).
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout.trim());
    writeFileSync(
      path.join(run.dir, RUN_FILES.lock),
      JSON.stringify({ pid: deadPid, host: hostname(), since: '2026-11-22T03:00:00.000Z' }),
    );
    expect(liveLockHolder(run.dir)).toBeNull();
    const reopened = RunDir.open(run.dir);
    expect(liveLockHolder(run.dir)?.pid).toBe(process.pid);
    reopened.release();
  });

  it('explains a folder that is not a run, and a broken job.json with its JSON path', () => {
    expect(() => RunDir.open(tmp.dir)).toThrow(/not a run directory \(it has no job.json\)/);
    writeFileSync(path.join(tmp.dir, 'job.json'), '{"format":"solver-farm/job@1","runId":7}');
    expect(() => readRunJob(tmp.dir)).toThrow(/job.json: \$\.taskCount: expected a finite number, got nothing$/);
    writeFileSync(path.join(tmp.dir, 'job.json'), '{"format":');
    expect(() => readRunJob(tmp.dir)).toThrow(/job.json: \$: expected valid JSON/);
  });

  it("refuses a folder on /proc at once with the reason (Node's recursive mkdir spins there forever)", () => {
    // In a child process, so a regression hangs that process (killed below), not the suite.
    const script = `
      import { RunDir } from ${JSON.stringify(path.resolve('solver/journal/run-dir.ts'))};
      try {
        RunDir.create(${JSON.stringify(newRun({ dir: '/proc/solver-farm-test/run' }))});
        console.log('created');
      } catch (err) {
        console.log(err.message);
      }`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 10_000,
      killSignal: 'SIGKILL',
    });
    expect(r.signal, 'still creating the folder after 10 s').toBeNull();
    expect(r.stdout.trim()).toBe('cannot create the folder /proc/solver-farm-test: ENOENT (no such file or directory)');
  });

  it('refuses a job.json whose task count no plan may have (viewers size arrays by it)', () => {
    const run = RunDir.create(newRun());
    run.release();
    const job = JSON.parse(readFileSync(run.file('job'), 'utf8'));
    writeFileSync(run.file('job'), JSON.stringify({ ...job, taskCount: 1e15 }));
    expect(() => readRunJob(run.dir)).toThrow(
      /job\.json: \$\.taskCount: expected an integer from 0 to 100000000, got 1000000000000000$/,
    );
  });

  it('leaves nothing behind when job.json cannot be written, and takes the same folder afterwards', () => {
    const runId = '20261122-031500-dead';
    // A job whose JSON text cannot be made (a BigInt; before, 100,000 nested arrays): no folder at all.
    expect(() => RunDir.create(newRun({ runId, job: { kind: 'sweep', n: 1n } }))).toThrow(
      /cannot write .*job\.json: Do not know how to serialize a BigInt/,
    );
    expect(existsSync(path.join(tmp.dir, 'runs'))).toBe(false);
    const out = path.join(tmp.dir, 'out');
    mkdirSync(out);
    expect(() => RunDir.create(newRun({ dir: out, job: { kind: 'sweep', n: 1n } }))).toThrow(/BigInt/);
    // The folder the user named stays, empty, and can take the run.
    expect(readdirSync(out)).toEqual([]);
    RunDir.create(newRun({ dir: out })).release();
    expect(readdirSync(out).sort()).toEqual(['job.json', 'logs']);
    // A write that fails once the folder is made (here job.json cannot replace a folder):
    // the logs folder and the lock it made go again.
    const dir = path.join(tmp.dir, 'runs', runId);
    mkdirSync(path.join(dir, 'job.json', 'x'), { recursive: true });
    expect(() => RunDir.create(newRun({ runId }))).toThrow(/cannot write .*job\.json: E/);
    expect(readdirSync(dir)).toEqual(['job.json']);
  });

  it('a recorder for a plan too big to hold creates no folder', async () => {
    const dir = path.join(tmp.dir, 'too-big');
    await expect(RunRecorder.create(newRun({ dir, taskCount: 2 ** 53 - 1 }))).rejects.toThrow(RangeError);
    expect(existsSync(dir)).toBe(false);
  });
});
