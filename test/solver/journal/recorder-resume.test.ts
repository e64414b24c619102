import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskResult } from '../../../solver/api.ts';
import { taskIdHasher } from '../../../solver/farm/task-id.ts';
import { readJournal } from '../../../solver/journal/journal-reader.ts';
import { RunRecorder } from '../../../solver/journal/recorder.ts';
import { planResume, remainingTasks, resumeRun } from '../../../solver/journal/resume.ts';
import { type NewRun, readSummary } from '../../../solver/journal/run-dir.ts';
import { TaskStatuses } from '../../../solver/journal/task-statuses.ts';
import { tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
const children: ChildProcess[] = [];
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.length = 0;
  tmp.cleanup();
});

/** The same ids as the fixture process's (fixtures/record-slowly.ts). */
const ids = { id: taskIdHasher('fixture', { count: 'fixture' }) };

function taskResult(i: number, status: TaskResult['status'] = 'optimal'): TaskResult {
  return {
    id: ids.id(i),
    index: i,
    label: `#${i}`,
    solver: 0,
    status,
    objective: status === 'error' ? null : i,
    timeMs: 1,
  };
}

function newRun(count: number, dir = path.join(tmp.dir, 'run')): NewRun {
  return {
    dir,
    job: { kind: 'custom', spec: { count } },
    source: 'fixture.json',
    baseDir: tmp.dir,
    kind: 'fixture',
    name: 'fixture',
    taskCount: count,
    steps: null,
    specHash: 'fixture',
  };
}

/** Every task id in a journal with how many lines it has. */
async function lineCounts(dir: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  await readJournal(path.join(dir, 'results.jsonl'), {
    onResult: (r) => counts.set(r.id, (counts.get(r.id) ?? 0) + 1),
  });
  return counts;
}

describe('RunRecorder', () => {
  it('journals each task exactly once and keeps the counts', async () => {
    const rec = await RunRecorder.create(newRun(100), { summaryRefreshMs: 0 });
    expect(readSummary(rec.dir)?.status).toBe('running');
    for (let i = 0; i < 100; i++) expect(rec.result(taskResult(i, i % 10 === 0 ? 'error' : 'optimal'))).toBe(true);
    // A result that arrives twice (a solver presumed dead) is refused.
    expect(rec.result(taskResult(5))).toBe(false);
    expect(rec.result(taskResult(500))).toBe(false);
    expect(rec.duplicatesIgnored).toBe(1);
    expect(rec.outOfPlan).toBe(1);
    // A retry of a failed task replaces it.
    expect(rec.result(taskResult(10))).toBe(true);
    const summary = rec.finish({ status: 'done' });
    expect(summary).toMatchObject({ status: 'done', total: 100, done: 91, failed: 9, resumes: 0 });
    expect(summary.byStatus).toMatchObject({ optimal: 91, error: 9 });
    expect(summary.endedAt).not.toBeNull();
    expect(readSummary(rec.dir)).toEqual(summary);
    const scan = await readJournal(path.join(rec.dir, 'results.jsonl'));
    expect(scan.lines).toBe(101);
    expect(scan.duplicates).toBe(0);
    expect(scan.superseded).toBe(1);
    expect(scan.latest.size).toBe(100);
  });
});

describe('RunRecorder for step jobs', () => {
  it('records each barrier step in steps.jsonl and the last one in the summary', async () => {
    const rec = await RunRecorder.create({ ...newRun(0), taskCount: null, steps: 3 }, { summaryRefreshMs: 0 });
    for (const step of [1, 2]) {
      rec.step({
        step,
        steps: 3,
        perSolver: [{ solver: 0, value: 100 - step }],
        winner: 0,
        best: 100 - step,
        sense: 'min',
      });
    }
    const summary = rec.finish({ status: 'stopped', reason: 'terminated by the user' });
    expect(summary).toMatchObject({
      status: 'stopped',
      total: null,
      stepsDone: 2,
      best: 98,
      reason: 'terminated by the user',
    });
    const steps = readFileSync(path.join(rec.dir, 'steps.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(steps.map((s) => s.best)).toEqual([99, 98]);
  });
});

describe('planResume', () => {
  it('runs exactly the missing tasks, plus the failed ones with retryFailed; lines of other tasks are unknown', async () => {
    const file = path.join(tmp.dir, 'results.jsonl');
    // Task 4 has a line with another task's id: not its result.
    const lines = [
      taskResult(0),
      taskResult(2, 'error'),
      taskResult(3, 'infeasible'),
      { ...taskResult(4), id: ids.id(9) },
    ];
    writeFileSync(file, lines.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const scan = await readJournal(file, { count: 5, belongs: (r) => r.id === ids.id(r.index) });
    const plain = await planResume(scan, 5);
    expect([...remainingTasks(plain)]).toEqual([1, 4]);
    expect(plain).toMatchObject({ toRun: 2, done: 2, failed: 1, retried: 0, unknown: 1 });
    expect([...plain.state]).toEqual([1, 0, 2, 1, 0]);
    expect(plain.byStatus).toMatchObject({ optimal: 1, error: 1, infeasible: 1 });
    const retry = await planResume(scan, 5, { retryFailed: true });
    expect([...remainingTasks(retry)]).toEqual([1, 2, 4]);
    expect(retry).toMatchObject({ toRun: 3, done: 2, failed: 0, retried: 1 });
    // The recorder still sees the retried task as failed until it succeeds.
    expect([...retry.state]).toEqual([1, 0, 2, 1, 0]);
  });

  it(`plans past 2^24 tasks (a Set's limit) with a byte per task`, async () => {
    const count = 2 ** 24 + 1000;
    const latest = new TaskStatuses(count);
    for (let i = 0; i < count; i += 2) latest.set(i, i % 1000 === 0 ? 'error' : 'optimal');
    const byStatus = { optimal: 0, feasible: 0, 'time-limit': 0, infeasible: 0, unbounded: 0, error: 0 };
    const plan = await planResume({ latest, byStatus, foreign: 0 }, count);
    const failed = Math.ceil(count / 1000);
    expect(plan).toMatchObject({ total: count, done: count / 2 - failed, failed, toRun: count / 2 });
    expect(plan.state[2 ** 24 + 998]).toBe(1);
    expect(plan.state[2 ** 24 + 999]).toBe(0);
  });
});

describe('resumeRun', () => {
  it('refuses a job whose inputs changed, and a run in use', async () => {
    const rec = await RunRecorder.create(newRun(10), { summaryRefreshMs: 0 });
    await expect(resumeRun(rec.dir, { count: 10, idOf: (i) => ids.id(i), specHash: 'fixture' })).rejects.toThrow(
      /in use by process/,
    );
    rec.finish({ status: 'stopped' });
    await expect(resumeRun(rec.dir, { count: 10, idOf: (i) => ids.id(i), specHash: 'changed' })).rejects.toThrow(
      /the job's inputs changed since this run started/,
    );
  });

  it('ignores a torn last line, cuts it, and runs that task again', async () => {
    const rec = await RunRecorder.create(newRun(10), { summaryRefreshMs: 0 });
    for (let i = 0; i < 6; i++) rec.result(taskResult(i));
    rec.finish({ status: 'stopped', reason: 'terminated' });
    const journal = path.join(rec.dir, 'results.jsonl');
    const goodSize = statSync(journal).size;
    appendFileSync(journal, JSON.stringify(taskResult(6)).slice(0, 30));
    const { recorder, plan, warnings } = await resumeRun(rec.dir, {
      count: 10,
      idOf: (i) => ids.id(i),
      specHash: 'fixture',
      summaryRefreshMs: 0,
    });
    expect(statSync(journal).size).toBe(goodSize);
    expect(warnings).toMatch(/line 7: ignored a torn last line \(30 bytes/);
    expect([...remainingTasks(plan)]).toEqual([6, 7, 8, 9]);
    for (const i of remainingTasks(plan)) recorder.result(taskResult(i));
    const summary = recorder.finish({ status: 'done' });
    expect(summary).toMatchObject({ status: 'done', done: 10, failed: 0, resumes: 1 });
    // The first session's reason ('terminated') belongs to it, not to the finished run.
    expect(summary.reason).toBeUndefined();
    const counts = await lineCounts(rec.dir);
    expect(counts.size).toBe(10);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('after a SIGKILL of the recording process mid-run, resume completes every task exactly once', async () => {
    const count = 4000;
    const dir = path.join(tmp.dir, 'killed');
    const child = spawn(
      process.execPath,
      [path.join(import.meta.dirname, 'fixtures', 'record-slowly.ts'), dir, String(count), '20'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    const journal = path.join(dir, 'results.jsonl');
    // Kill it once about half the tasks are on disk.
    const deadline = Date.now() + 30_000;
    let linesOnDisk = 0;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      try {
        linesOnDisk = readFileSync(journal, 'utf8').split('\n').length - 1;
      } catch {
        linesOnDisk = 0;
      }
      if (linesOnDisk >= count / 2) break;
    }
    expect(stderr).toBe('');
    expect(linesOnDisk).toBeGreaterThanOrEqual(count / 2);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const before = await readJournal(journal);
    expect(before.duplicates).toBe(0);
    expect(readSummary(dir)?.status).toBe('running'); // it never got to finish
    const { recorder, plan } = await resumeRun(dir, {
      count,
      idOf: (i) => ids.id(i),
      specHash: 'fixture',
      summaryRefreshMs: 0,
    });
    expect(plan.done + plan.failed + plan.toRun).toBe(count);
    expect(plan.done + plan.failed).toBe(before.latest.size);
    for (const i of remainingTasks(plan)) recorder.result(taskResult(i, i % 97 === 0 ? 'error' : 'optimal'));
    const summary = recorder.finish({ status: 'done' });
    expect(summary.done + summary.failed).toBe(count);
    expect(summary.failed).toBe(Math.ceil(count / 97));
    const counts = await lineCounts(dir);
    expect(counts.size).toBe(count);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    for (let i = 0; i < count; i++) expect(counts.has(ids.id(i))).toBe(true);
  });
});
