/**
 * The real CLI when its output folder fails it (issue 11, items 10, 11 and 15): the folder
 * made read-only mid-run, the journal's file refused by the OS (RLIMIT_FSIZE), `--out` on
 * /proc, and a sweep too big to plan. Each ends in one clear line naming what failed and where,
 * a non-zero exit, every journaled result kept and the run's lock let go; never `internal
 * error` with a stack trace, never a spin.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PLANNED_TASKS } from '../../../solver/farm/plan-check.ts';
import { liveLockHolder } from '../../../solver/journal/run-dir.ts';
import { MAX_SWEEP_TASKS } from '../../../solver/problems/sweep/spec.ts';
import { respectingPermissions } from '../../support/permission-bits.ts';
import { journalCounts, transportSweep } from '../journal/farm-helpers.ts';
import { BIN, ROOT, runCli } from './run-cli.ts';

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
      expect(r.stderr).toContain(
        'RecorderError: recording the run failed: cannot write ro-out/summary.json: EACCES (permission denied)',
      );
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
      // The run stops at once, saying how many results the journal kept, which are whole lines.
      const { scan } = await journalCounts(out);
      expect(scan.invalidCount).toBe(0);
      expect(scan.torn).toBeNull();
      expect(scan.lines).toBeGreaterThan(100);
      const said = `recording the run failed: the journal fsize-out/results.jsonl could not be written after ${scan.lines.toLocaleString('en-US')} results: EFBIG (file too large); the run was stopped`;
      expect(r.stderr).toContain(`RecorderError: ${said}`);
      expect(r.stdout).toContain(`Error: ${said}`);
      expect(r.stdout).toContain('Continue with (once there is space): solver-farm resume fsize-out');
      expect(r.stdout).toMatch(/^Run failed: [\d,]+ of 5,000 tasks ran/m);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
        status: string;
        reason: string;
        done: number;
      };
      expect(summary.status).toBe('failed');
      expect(summary.reason).toContain('EFBIG (file too large)');
      expect(summary.done).toBe(scan.lines);
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

/**
 * Issue 11, bug 4: a journal that cannot be written any more (a full disk, its folder removed
 * or replaced under the run) used to lose every later result while the run went on to
 * "Finished: 300,000 of 300,000 tasks done" and said "every result is in …/results.jsonl".
 * Now the run stops at once, says how many results the journal kept and how to go on, exits 1,
 * and writes nothing into a folder that is not its own any more.
 */
describe('the journal cannot be written mid-run', () => {
  /** A Wyndor sweep of `points` tasks whose results carry every value: the journal grows fast. */
  function wyndorJob(name: string, points: number, msglev = 'off'): string {
    const job = JSON.parse(readFileSync(join(ROOT, 'examples', 'wyndor-sweep.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    job.grid = [{ name: 'P', objective: 'windows', from: 1, to: points, step: 1 }];
    job.output = { values: 'all' };
    job.msglev = msglev;
    writeFileSync(join(tmp, name), JSON.stringify(job));
    return name;
  }

  /** Whole result lines of a journal, and whether its end is torn. */
  function journalLines(file: string): { lines: number; torn: boolean } {
    const text = readFileSync(file, 'utf8');
    return { lines: text.split('\n').filter(Boolean).length, torn: text.length > 0 && !text.endsWith('\n') };
  }

  /** Why a tmpfs cannot be mounted here, or null when it can (root in the sandbox can). */
  const tmpfsSkip = ((): string | null => {
    if (process.platform !== 'linux') return 'tmpfs is Linux only';
    const probe = mkdtempSync(join(tmpdir(), 'tmpfs-probe-'));
    try {
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]);
      if (mounted.status !== 0) return `cannot mount a tmpfs: ${String(mounted.stderr).trim() || 'not root'}`;
      spawnSync('umount', [probe]);
      return null;
    } finally {
      rmSync(probe, { recursive: true, force: true });
    }
  })();

  it.skipIf(tmpfsSkip !== null)(
    `a full disk (2 MB tmpfs): the run stops, says how many results were journaled, exits 1; resume finishes it once there is space${tmpfsSkip ? ` (skipped: ${tmpfsSkip})` : ''}`,
    { timeout: 120_000 },
    async () => {
      const total = 300_000;
      const job = wyndorJob('long.json', total);
      const disk = join(tmp, 'T');
      mkdirSync(disk);
      expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]).status).toBe(0);
      try {
        const r = await start([], ['run', job, '--cores', '2', '--out', 'T/out'], tmp).done;
        expectNoCrash(r.stderr);
        expect(r.code, r.stderr).toBe(1);
        const journal = join(disk, 'out', 'results.jsonl');
        const { lines, torn } = journalLines(journal);
        // What reached the disk is whole lines only: the torn last one was cut off again.
        expect(torn).toBe(false);
        expect(lines).toBeGreaterThan(100);
        expect(lines).toBeLessThan(total);
        const said = `the journal T/out/results.jsonl could not be written after ${lines.toLocaleString('en-US')} results: ENOSPC (no space left on device); the run was stopped`;
        expect(r.stdout).toContain(`Error: recording the run failed: ${said}`);
        expect(r.stdout).toContain('Continue with (once there is space): solver-farm resume T/out');
        expect(r.stdout).toMatch(/^Run failed: /m);
        expect(r.stdout).not.toContain('Finished');
        expect(`${r.stdout}${r.stderr}`).not.toContain('every result is in');
        expect(existsSync(join(disk, 'out', 'results.csv'))).toBe(false);
        expectLockReleased(join(disk, 'out'));

        // Room again: the resume keeps what was journaled and runs the rest.
        expect(spawnSync('mount', ['-o', 'remount,size=256m', disk]).status).toBe(0);
        const again = await start([], ['resume', 'T/out', '--cores', '2'], tmp).done;
        expect(again.code, again.stderr).toBe(0);
        expect(again.stdout).toContain(
          `Finished: 300,000 of 300,000 tasks done, 0 failed (${(total - lines).toLocaleString('en-US')} in this session)`,
        );
        await expectEveryTaskOnce(join(disk, 'out'), total);
      } finally {
        spawnSync('umount', ['-l', disk]);
      }
    },
  );

  /** Starts a 300,000-task run into `out`, lets it journal a little, then does `disturb` to its folder. */
  async function disturbedRun(out: string, disturb: (dir: string) => void) {
    const job = wyndorJob(`${out}.json`, 300_000);
    const run = start([], ['run', job, '--cores', '2', '--out', out], tmp);
    const dir = join(tmp, out);
    const journal = join(dir, 'results.jsonl');
    const until = Date.now() + 30_000;
    while (!(existsSync(journal) && statSync(journal).size > 100_000)) {
      if (Date.now() > until) throw new Error(`the run did not start: ${run.out.stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    disturb(dir);
    const r = await run.done;
    expectNoCrash(r.stderr);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^Run failed: /m);
    expect(r.stdout).not.toContain('Finished');
    expect(`${r.stdout}${r.stderr}`).not.toContain('every result is in');
    // The folder at that path is not the run's any more: no Files line, no resume line for it.
    expect(r.stdout).not.toContain('Files:');
    expect(r.stdout).not.toContain(`solver-farm resume ${out}\n`);
    return { r, dir };
  }

  it('its folder removed: stops, says so, recreates nothing', { timeout: 60_000 }, async () => {
    const { r, dir } = await disturbedRun('gone-out', (d) => rmSync(d, { recursive: true, force: true }));
    expect(r.stdout).toMatch(
      /Error: recording the run failed: the journal gone-out\/results\.jsonl was removed or replaced after [\d,]+ results were written to it; the run was stopped/,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('its folder replaced by an empty one: nothing written into the new one; the moved one finished and unlocked', {
    timeout: 60_000,
  }, async () => {
    const moved = join(tmp, 'moved-out.old');
    const { r, dir } = await disturbedRun('moved-out', (d) => {
      renameSync(d, moved);
      mkdirSync(d);
    });
    expect(readdirSync(dir)).toEqual([]);
    const { lines, torn } = journalLines(join(moved, 'results.jsonl'));
    expect(torn).toBe(false);
    expect(r.stdout).toContain(
      `Error: recording the run failed: the journal moved-out/results.jsonl was moved to moved-out.old/results.jsonl after ${lines.toLocaleString('en-US')} results were written to it; the run was stopped`,
    );
    const summary = JSON.parse(readFileSync(join(moved, 'summary.json'), 'utf8')) as {
      status: string;
      done: number;
      reason: string;
    };
    expect(summary.status).toBe('failed');
    expect(summary.done).toBe(lines);
    expect(summary.reason).toContain('was moved to');
    expectLockReleased(moved);
  });

  it('its folder replaced by a file: stops, the file untouched', { timeout: 60_000 }, async () => {
    const { r, dir } = await disturbedRun('file-out', (d) => {
      rmSync(d, { recursive: true, force: true });
      writeFileSync(d, 'not a run\n');
    });
    expect(r.stdout).toMatch(/the journal file-out\/results\.jsonl was removed or replaced after [\d,]+ results/);
    expect(readFileSync(dir, 'utf8')).toBe('not a run\n');
  });

  /**
   * Issue 11, bug 10: logs/ removed mid-run. Losing logs is not losing results: the run goes
   * on and exits 0, but says once per log that it stopped, and does not list logs/ as written.
   */
  it('logs/ removed: one warning per log, exit 0, and the Files line does not list logs/', {
    timeout: 60_000,
  }, async () => {
    const total = 20_000;
    const job = wyndorJob('chatty.json', total, 'on');
    const run = start([], ['run', job, '--cores', '2', '--out', 'logs-gone'], tmp);
    const logs = join(tmp, 'logs-gone', 'logs');
    const until = Date.now() + 30_000;
    while (!(existsSync(join(logs, 'solver-0.log')) && statSync(join(logs, 'solver-0.log')).size > 10_000)) {
      if (Date.now() > until) throw new Error(`no log yet: ${run.out.stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    rmSync(logs, { recursive: true, force: true });
    const r = await run.done;
    expectNoCrash(r.stderr);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Finished: 20,000 of 20,000 tasks done`);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('logging for this solver stops here'));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    for (const slot of [0, 1]) {
      expect(warnings.filter((w) => w.includes(`solver-${slot}.log`)).length).toBeLessThanOrEqual(1);
    }
    expect(warnings[0]).toMatch(
      /logs\/solver-\d\.log: the log file was removed or replaced; logging for this solver stops here$/,
    );
    const files = /^Files: .*$/m.exec(r.stdout)?.[0] ?? '';
    expect(files).toContain('results.csv');
    expect(files).not.toContain('logs/');
    await expectEveryTaskOnce(join(tmp, 'logs-gone'), total);
  });
});
