/**
 * SIGKILL the whole farm process mid-run (no chance to flush or write a summary), then
 * resume the run directory: every task ends up in the journal exactly once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { resumeOnFarm } from '../../../solver/journal/farm-recording.ts';
import { listRuns } from '../../../solver/journal/history.ts';
import { readSummary } from '../../../solver/journal/run-dir.ts';
import { kinds } from '../../../solver/problems/registry.ts';
import { FIXTURES, journalCounts, waitFor } from './farm-helpers.ts';
import { tempDir } from './helpers.ts';

let farm: Farm | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
const strays: number[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  await farm?.close();
  farm = undefined;
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  tmp?.cleanup();
  tmp = undefined;
});

/** Pids of the live child processes of `pid` (Linux /proc). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function journalLines(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

describe('SIGKILL of the farm process, then resume', () => {
  it('ends with every task exactly once in the journal', async () => {
    tmp = tempDir('journal-resume-');
    const dir = path.join(tmp.dir, 'run');
    const total = 4000;
    // 14×14 LPs (~0.5 ms each): the run lasts long enough to be killed halfway on a fast machine.
    const child = spawn(process.execPath, [path.join(FIXTURES, 'run-farm.ts'), dir, String(total), '14'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    const journal = path.join(dir, 'results.jsonl');
    await waitFor('half of the journal', () => journalLines(journal) >= total / 2 || stderr !== '', 60_000);
    expect(stderr).toBe('');
    const solvers = childPids(child.pid as number);
    strays.push(...solvers);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Orphaned solvers notice the lost channel and exit on their own.
    await waitFor('the orphaned solvers to exit', () => solvers.every((p) => !alive(p)), 10_000);

    const before = await journalCounts(dir);
    expect(before.repeated).toEqual([]);
    expect(readSummary(dir)?.status).toBe('running');
    const history = await listRuns(tmp.dir);
    expect(history.runs).toEqual([]); // --out folders are not under <root>/runs
    // A power cut would also leave half a line: make it so, it must be ignored and cut.
    appendFileSync(journal, '{"id":"0123456789abcdef","index":3999,"lab');

    farm = new Farm({ launcher: new NodeLauncher(), cores: 2 });
    const resumed = await resumeOnFarm(farm, dir, { kinds });
    expect(resumed.warnings).toMatch(/ignored a torn last line/);
    expect(resumed.done + resumed.failed).toBe(before.scan.latest.size);
    expect(resumed.toRun).toBe(total - before.scan.latest.size);
    expect(resumed.run.total).toBe(total);
    expect(await farm.finished()).toBe('done');

    const after = await journalCounts(dir);
    console.log(
      `resume: farm killed with ${before.scan.latest.size} of ${total} results journaled; the resume ran ${resumed.toRun}; journal now ${after.scan.lines} lines, ${after.perIndex.size} tasks, ${after.repeated.length} repeated`,
    );
    expect(after.repeated).toEqual([]);
    expect(after.perIndex.size).toBe(total);
    expect(after.scan.lines).toBe(total);
    expect(after.scan.invalidCount).toBe(0);
    expect(after.scan.torn).toBeNull();
    expect(readSummary(dir)).toMatchObject({ status: 'done', total, done: total, failed: 0, resumes: 1 });
    const status = await farm.status();
    expect(status.progress).toMatchObject({ total, done: total, failed: 0 });

    // Resuming a finished run runs nothing and changes nothing.
    const again = await resumeOnFarm(farm, dir, { kinds });
    expect(again.toRun).toBe(0);
    expect(await farm.finished()).toBe('done');
    expect((await journalCounts(dir)).scan.lines).toBe(total);
  }, 120_000);
});
