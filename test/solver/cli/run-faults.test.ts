/**
 * The real CLI when its output folder fails it (issue 11, items 10, 11 and 15): the folder
 * made read-only mid-run, the journal's file refused by the OS (RLIMIT_FSIZE), `--out` on
 * /proc, and a sweep too big to plan. Each ends in one clear line naming what failed and where,
 * a non-zero exit, every journaled result kept and the run's lock let go; never `internal
 * error` with a stack trace, never a spin.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PLANNED_TASKS } from '../../../solver/farm/plan-check.ts';
import { liveLockHolder } from '../../../solver/journal/run-dir.ts';
import { MAX_SWEEP_TASKS } from '../../../solver/problems/sweep/spec.ts';
import { respectingPermissions } from '../../support/permission-bits.ts';
import { journalCounts, transportSweep } from '../journal/farm-helpers.ts';
import { BIN, runCli } from './run-cli.ts';

let tmp: string;
const children = new Set<ChildProcess>();
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'run-faults-'));
});
afterEach(() => {
  for (const child of children) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  children.clear();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `prefix… node bin/solver-farm.js args…` in its own process group; `out` grows as it prints. */
function start(prefix: readonly string[], args: string[], cwd: string) {
  const [cmd, ...rest] = [...prefix, process.execPath, BIN, ...args];
  const child = spawn(cmd as string, rest, {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  children.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (t: string) => {
    out.stdout += t;
  });
  child.stderr?.setEncoding('utf8').on('data', (t: string) => {
    out.stderr += t;
  });
  const done = new Promise<Ended>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, ...out }));
  });
  return { child, out, done };
}

/** The run's results.jsonl lines, counted per task. */
async function expectEveryTaskOnce(dir: string, total: number): Promise<void> {
  const { perIndex, repeated, scan } = await journalCounts(dir);
  expect(repeated).toEqual([]);
  expect(perIndex.size).toBe(total);
  expect(scan.invalidCount).toBe(0);
}

/** No stack trace, no `internal error`: what a user sees is one line per problem. */
function expectNoCrash(stderr: string): void {
  expect(stderr).not.toContain('internal error');
  expect(stderr).not.toMatch(/\n\s+at /);
}

/** The run's lock is let go: gone, or emptied where the folder refused its removal. */
function expectLockReleased(dir: string): void {
  const lock = join(dir, 'run.lock');
  if (existsSync(lock)) expect(statSync(lock).size).toBe(0);
  expect(liveLockHolder(dir)).toBeNull();
}

function transportJob(name: string, tasks: number): string {
  const file = join(tmp, name);
  writeFileSync(file, JSON.stringify(transportSweep(12, tasks)));
  return file;
}

const permissions = respectingPermissions();

describe('the output folder fails mid-run', () => {
  it.skipIf(permissions.skip !== null)(
    `made read-only: says which file and why, keeps every result, exits 1, lets go of the lock${permissions.skip ? ` (skipped: ${permissions.skip})` : ''}`,
    { timeout: 60_000 },
    async () => {
      const total = 5000;
      transportJob('ro-job.json', total);
      const out = join(tmp, 'ro-out');
      const run = start(permissions.prefix ?? [], ['run', 'ro-job.json', '--cores', '2', '--out', 'ro-out'], tmp);
      // Some results journaled, then the folder turns read-only under the running farm.
      const journal = join(out, 'results.jsonl');
      const until = Date.now() + 30_000;
      while (!(existsSync(journal) && statSync(journal).size > 20_000)) {
        if (Date.now() > until) throw new Error(`the run did not start: ${run.out.stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      chmodSync(out, 0o555);
      let r: Ended;
      try {
        r = await run.done;
      } finally {
        chmodSync(out, 0o755);
      }
      expectNoCrash(r.stderr);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        'cannot write ro-out/results.csv: EACCES (permission denied); every result is in ro-out/results.jsonl',
      );
      expect(r.stderr).toContain(`cannot write ${out}/summary.json: EACCES (permission denied)`);
      expect(r.stdout).toMatch(/Files: ro-out\/ \(results\.jsonl, summary\.json, job\.json, logs\/\)/);
      expect(existsSync(join(out, 'results.csv'))).toBe(false);
      await expectEveryTaskOnce(out, total);
      expectLockReleased(out);
    },
  );

  it.skipIf(spawnSync('prlimit', ['--version']).status !== 0)(
    'results.jsonl refused by the OS (file size limit): the journal error, exit 1, lock released',
    { timeout: 60_000 },
    async () => {
      transportJob('big-job.json', 5000);
      const out = join(tmp, 'fsize-out');
      // Files this process writes stop at 150 kB: results.jsonl reaches it after ~800 results.
      const r = await start(
        ['prlimit', '--fsize=150000', '--'],
        ['run', 'big-job.json', '--cores', '2', '--out', 'fsize-out'],
        tmp,
      ).done;
      expectNoCrash(r.stderr);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        `RecorderError: recording the run failed: cannot write the results journal ${out}/results.jsonl: EFBIG (file too large)`,
      );
      expect(r.stdout).toContain('Error: recording the run failed: cannot write the results journal');
      // What reached the journal is whole (a torn last line is the reader's to skip).
      const { scan } = await journalCounts(out);
      expect(scan.invalidCount).toBe(0);
      expect(scan.lines).toBeGreaterThan(100);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { status: string; reason: string };
      expect(summary.status).toBe('failed');
      expect(summary.reason).toContain('EFBIG (file too large)');
      expectLockReleased(out);
    },
  );
});

describe('an output folder that cannot hold a run', () => {
  it('--out /proc/foo: refused at once, exit 2, nothing started (it used to spin at 100% CPU)', async () => {
    transportJob('small-job.json', 10);
    writeFileSync(join(tmp, 'wyndor.lp'), 'Maximize\n z: 3 x + 5 y\nSubject To\n p1: x <= 4\nEnd\n');
    for (const args of [
      ['run', 'small-job.json', '--out', '/proc/foo'],
      ['run', '--batch', 'wyndor.lp', '--out', '/proc/foo'],
    ]) {
      const run = start([], args, tmp);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 10_000);
      const r = await run.done;
      clearTimeout(timer);
      expect(r.signal, 'still running after 10 s').toBeNull();
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'solver-farm: --out /proc/foo: cannot create or write this folder: /proc is on the proc pseudo file system (kernel state, not files): choose a folder on a disk\n',
      );
    }
  });

  it('--out below a file: refused, exit 2', async () => {
    writeFileSync(join(tmp, 'a-file'), 'x');
    const r = await runCli(['run', 'small-job.json', '--out', 'a-file/run'], tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `solver-farm: --out a-file/run: cannot create or write this folder: ${join(tmp, 'a-file')} is a file, expected a folder\n`,
    );
  });
});

describe('a sweep too big to plan', () => {
  it("caps maxTasks at the farm's own limit on a plan", () => {
    expect(MAX_SWEEP_TASKS).toBe(MAX_PLANNED_TASKS);
  });

  const bigGrid = (extra: Record<string, unknown>) => {
    const job = transportSweep(2, 1);
    job.grid = [
      { name: 'a', objective: 'x0_0', from: 1, to: 1_000_000, step: 1 },
      { name: 'b', objective: 'x0_1', from: 1, to: 1_000_000, step: 1 },
    ];
    return { ...job, ...extra };
  };

  it.each([
    [
      'maxTasks: 1e15',
      { maxTasks: 1e15 },
      '$.maxTasks: expected an integer from 1 to 100000000 (the most tasks one run may plan), got 1000000000000000',
    ],
    [
      'no maxTasks',
      {},
      '$.grid: expected a grid of at most 1000000 tasks (raise "maxTasks" to run more), got 1000000 × 1000000 = 1000000000000 tasks',
    ],
  ])('%s: refused with the JSON path, exit 2, no out folder', async (_name, extra, message) => {
    writeFileSync(join(tmp, 'huge.json'), JSON.stringify(bigGrid(extra)));
    // A folder of its own per case: what one case leaves behind must not decide another.
    const out = `huge-out-${Object.keys(extra).length}`;
    const r = await runCli(['run', 'huge.json', '--out', out], tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`solver-farm: huge.json: ${message}\n`);
    expect(existsSync(join(tmp, out))).toBe(false);
  });
});
