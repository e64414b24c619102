/**
 * The acceptance check of issue 5, end to end through the real `solver-farm` CLI: a sweep run
 * into the default folder (runs/<run id>/ under the current folder) is SIGKILLed halfway —
 * the CLI process itself, no chance to flush or write a summary; a power cut also leaves a
 * torn last line; the job file is moved away; `solver-farm runs` lists the run as
 * interrupted; `solver-farm resume <run dir>` runs exactly the missing tasks: every task ends
 * in the journal exactly once, and results.csv has them all.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readSummary } from '../../../solver/journal/run-dir.ts';
import { kindModuleIn } from '../../support/kind-module.ts';
import { journalCounts, transportSweep, waitFor } from './farm-helpers.ts';
import { tempDir } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../../bin/solver-farm.js', import.meta.url));

let tmp: ReturnType<typeof tempDir> | undefined;
const groups: ChildProcess[] = [];
afterEach(() => {
  // Each CLI ran in its own process group (with its solvers): remove whatever is left.
  for (const c of groups.splice(0)) {
    try {
      if (c.pid !== undefined) process.kill(-c.pid, 'SIGKILL');
    } catch {
      // all gone
    }
  }
  tmp?.cleanup();
  tmp = undefined;
});

function cli(args: string[], cwd: string) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  groups.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (t: string) => {
    out.stdout += t;
  });
  child.stderr?.setEncoding('utf8').on('data', (t: string) => {
    out.stderr += t;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, out, done };
}

function lineCount(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

/** Pids in a process group (Linux /proc). */
function groupPids(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

describe('solver-farm run, SIGKILLed halfway, then solver-farm resume', () => {
  it('ends with every task exactly once in the journal, even though the job file moved', async () => {
    tmp = tempDir('journal-cli-kill-');
    const work = path.join(tmp.dir, 'work');
    const jobs = path.join(tmp.dir, 'jobs');
    mkdirSync(work);
    mkdirSync(jobs);
    const total = 4000;
    const jobFile = path.join(jobs, 'transport.json');
    // 14×14 LPs (~0.5 ms each): the run lasts long enough to be killed halfway on a fast, quiet machine.
    writeFileSync(jobFile, JSON.stringify(transportSweep(14, total)));

    const run = cli(['run', jobFile, '--cores', '2'], work);
    const runs = path.join(work, 'runs');
    const dir = await waitFor(
      'the run folder',
      () => {
        try {
          const ids = readdirSync(runs);
          return ids[0] !== undefined ? path.join(runs, ids[0]) : undefined;
        } catch {
          return undefined;
        }
      },
      60_000,
    );
    const journal = path.join(dir, 'results.jsonl');
    await waitFor(
      'half of the tasks in the journal',
      () => lineCount(journal) >= total / 2 || run.out.stderr.includes('Error'),
      90_000,
    );
    expect(run.out.stderr).not.toMatch(/error/i);
    const pgid = run.child.pid as number;
    process.kill(pgid, 'SIGKILL'); // the CLI process only: its solvers are orphaned
    expect(await run.done).toMatchObject({ signal: 'SIGKILL' });
    // Orphaned solvers notice the lost channel and exit on their own.
    await waitFor('the orphaned solvers to exit', () => groupPids(pgid).length === 0, 15_000);

    const before = await journalCounts(dir);
    expect(before.repeated).toEqual([]);
    expect(before.scan.latest.size).toBeGreaterThanOrEqual(total / 2);
    expect(before.scan.latest.size).toBeLessThan(total);
    expect(readSummary(dir)?.status).toBe('running');
    // A power cut would also leave half a line.
    appendFileSync(journal, '{"id":"0123456789abcdef","index":17,"status":"opt');
    // The job file moves: the run folder holds the job itself.
    renameSync(jobs, path.join(tmp.dir, 'moved'));

    const listed = cli(['runs'], work);
    expect((await listed.done).code).toBe(0);
    expect(listed.out.stdout).toMatch(/interrupted/);
    expect(listed.out.stdout).toContain(`solver-farm resume ${dir}`);

    const resumed = cli(['resume', dir, '--cores', '2'], work);
    const end = await resumed.done;
    expect(resumed.out.stderr).toMatch(/torn last line/);
    expect(end.code).toBe(0);
    expect(resumed.out.stdout).toMatch(/Finished: 4,000 of 4,000 tasks done, 0 failed/);

    const after = await journalCounts(dir);
    console.log(
      `CLI SIGKILL + resume: killed with ${before.scan.latest.size} of ${total} results journaled (+1 torn line); resume ran ${total - before.scan.latest.size}; journal now ${after.scan.lines} lines, ${after.perIndex.size} tasks, ${after.repeated.length} repeated`,
    );
    expect(after.repeated).toEqual([]);
    expect(after.perIndex.size).toBe(total);
    expect(after.scan.lines).toBe(total);
    expect(after.scan.torn).toBeNull();
    expect(after.scan.invalidCount).toBe(0);
    expect(readSummary(dir)).toMatchObject({ status: 'done', total, done: total, failed: 0, resumes: 1 });
    expect(lineCount(path.join(dir, 'results.csv'))).toBe(total + 1);
  }, 180_000);
});

describe('solver-farm run with a failure policy', () => {
  it('a halted run exits 1 and says why; a stuck task is timed out and reported', async () => {
    tmp = tempDir('journal-cli-policy-');
    const flaky = kindModuleIn(tmp.dir, fileURLToPath(new URL('./fixtures/flaky.ts', import.meta.url)));
    const job = (spec: object, policy: object) => ({ kind: 'custom', name: 'flaky', module: flaky, spec, policy });
    const halting = path.join(tmp.dir, 'halting.json');
    writeFileSync(halting, JSON.stringify(job({ tasks: 3000, ms: 2, failEvery: 7 }, { haltAfterFailures: 4 })));
    const out = path.join(tmp.dir, 'halted');
    const halted = cli(['run', halting, '--cores', '2', '--out', out], tmp.dir);
    expect((await halted.done).code).toBe(1);
    expect(halted.out.stdout).toMatch(/^Run failed: /m);
    expect(halted.out.stdout).toMatch(/halted after \d+ failed tasks \(policy\.haltAfterFailures is 4\)/);
    expect(readSummary(out)).toMatchObject({ status: 'failed' });

    const stuck = path.join(tmp.dir, 'stuck.json');
    writeFileSync(stuck, JSON.stringify(job({ tasks: 30, ms: 2, hang: [11] }, { taskTimeoutSec: 1 })));
    const out2 = path.join(tmp.dir, 'stuck');
    const timed = cli(['run', stuck, '--cores', '2', '--out', out2], tmp.dir);
    expect((await timed.done).code).toBe(1); // a task failed
    expect(timed.out.stdout).toMatch(/Finished: 29 of 30 tasks done, 1 failed/);
    expect(timed.out.stderr).toMatch(/TaskTimedOut: timed out: still running after 1 s/);
    expect(readSummary(out2)).toMatchObject({ status: 'done', done: 29, failed: 1 });
  }, 120_000);
});

describe('solver-farm resume --retry-failed', () => {
  it('runs exactly the failed tasks again; without the flag a finished run runs nothing', async () => {
    tmp = tempDir('journal-cli-retry-');
    const flaky = kindModuleIn(tmp.dir, fileURLToPath(new URL('./fixtures/flaky.ts', import.meta.url)));
    const fix = path.join(tmp.dir, 'fixed');
    const total = 200;
    const jobFile = path.join(tmp.dir, 'retry.json');
    const spec = { tasks: total, ms: 1, failEvery: 9, failUntil: fix };
    writeFileSync(jobFile, JSON.stringify({ kind: 'custom', name: 'flaky', module: flaky, spec }));
    const out = path.join(tmp.dir, 'run');
    const first = cli(['run', jobFile, '--cores', '2', '--out', out], tmp.dir);
    expect((await first.done).code).toBe(1);
    const failing = Math.ceil(total / 9); // 0, 9, 18, …
    expect(readSummary(out)).toMatchObject({ status: 'done', done: total - failing, failed: failing });

    // Nothing missing, and failed tasks stay failed without the flag: nothing runs.
    const plain = cli(['resume', out, '--cores', '2'], tmp.dir);
    expect((await plain.done).code).toBe(1);
    expect((await journalCounts(out)).scan.lines).toBe(total);

    writeFileSync(fix, 'the cause of the failures was fixed');
    const retry = cli(['resume', out, '--cores', '2', '--retry-failed'], tmp.dir);
    expect((await retry.done).code).toBe(0);
    expect(retry.out.stdout).toMatch(
      new RegExp(`Finished: ${total} of ${total} tasks done, 0 failed \\(${failing} in this session\\)`),
    );
    const after = await journalCounts(out);
    // The failed tasks have their error line and then their new result; the rest one line.
    expect(after.scan.lines).toBe(total + failing);
    for (const [i, n] of after.perIndex) expect(n).toBe(i % 9 === 0 ? 2 : 1);
    expect(after.scan.byStatus.error).toBe(0);
    expect(readSummary(out)).toMatchObject({ status: 'done', done: total, failed: 0, resumes: 2 });
  }, 120_000);
});
