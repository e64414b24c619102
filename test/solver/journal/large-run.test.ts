/**
 * Runs far bigger than their journals: a page may start a sweep of up to MAX_PLANNED_TASKS
 * tasks and stop it early. Opening and resuming such a run must cost memory by what it holds
 * (a byte or a few per task, no JavaScript Set or Map of every task id: those hold at most
 * 2^24 entries) and never stall the server's event loop (status answers meanwhile). The runs
 * here are written to disk directly (job.json, a synthetic journal), not solved.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Farm } from '../../../solver/farm/farm.ts';
import { loadJob } from '../../../solver/farm/job.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { MAX_PLANNED_TASKS } from '../../../solver/farm/plan-check.ts';
import { specHash, taskIdHasher } from '../../../solver/farm/task-id.ts';
import { farmJournal } from '../../../solver/journal/farm-journal.ts';
import { resumeRun } from '../../../solver/journal/resume.ts';
import { RunDir, SUMMARY_FORMAT } from '../../../solver/journal/run-dir.ts';
import { JOB_FILE_ACCESS } from '../../../solver/problems/job-access.ts';
import { kinds } from '../../../solver/problems/registry.ts';
import type { TaskPlan } from '../../../solver/problems/types.ts';
import { tempDir } from './helpers.ts';

const WYNDOR_LP =
  'Maximize\n profit: 300 doors + 500 windows\nSubject To\n plant1: doors <= 4\n plant2: 2 windows <= 12\n plant3: 3 doors + 2 windows <= 18\nEnd\n';

const tmp = tempDir('large-run-');
afterAll(() => tmp.cleanup());
let farm: Farm | undefined;
afterEach(async () => {
  await farm?.close();
  farm = undefined;
});

/** A sweep of `count` tasks, recorded in `<data>/runs/<runId>/` with a result for each of `withResults`. */
async function writeRun(
  data: string,
  runId: string,
  count: number,
  withResults: Iterable<number>,
): Promise<{ dir: string; lines: number; idOf: (i: number) => string; hash: string }> {
  mkdirSync(data, { recursive: true });
  writeFileSync(path.join(data, 'wyndor.lp'), WYNDOR_LP);
  const source = path.join(data, 'sweep.json');
  const doc = {
    kind: 'sweep',
    modelFile: 'wyndor.lp',
    maxTasks: MAX_PLANNED_TASKS,
    grid: [{ name: 'P', objective: 'windows', from: 1, to: count, step: 1 }],
  };
  const job = await loadJob(doc, source, data, kinds, JOB_FILE_ACCESS);
  const plan = job.plan as TaskPlan<unknown>;
  expect(plan.count).toBe(count);
  const hasher = taskIdHasher(job.kindName, job.spec);
  const idOf = (i: number) => hasher(plan.task(i));
  const hash = specHash(job.kindName, job.spec);
  const run = RunDir.create({
    root: data,
    runId,
    job: doc,
    source,
    baseDir: data,
    kind: 'sweep',
    name: 'large',
    taskCount: count,
    steps: null,
    specHash: hash,
  });
  const fd = openSync(run.file('journal'), 'w');
  let lines = 0;
  let chunk: string[] = [];
  for (const i of withResults) {
    const status = i % 1000 === 7 ? 'error' : 'optimal';
    chunk.push(
      `{"id":"${idOf(i)}","index":${i},"label":"P=${i + 1}","solver":0,"status":"${status}","objective":${i},"timeMs":0.01}\n`,
    );
    lines++;
    if (chunk.length === 10_000) {
      writeSync(fd, chunk.join(''));
      chunk = [];
    }
  }
  writeSync(fd, chunk.join(''));
  closeSync(fd);
  const now = new Date().toISOString();
  run.writeSummary({
    format: SUMMARY_FORMAT,
    runId,
    status: 'stopped',
    total: count,
    done: lines,
    failed: 0,
    byStatus: { optimal: lines, feasible: 0, 'time-limit': 0, infeasible: 0, unbounded: 0, error: 0 },
    startedAt: now,
    endedAt: now,
    durationMs: 1,
    resumes: 0,
  });
  run.release();
  return { dir: run.dir, lines, idOf, hash };
}

/** Watches the event loop (longest gap between 5 ms ticks) and the resident memory while `work` runs. */
async function watched<T>(work: () => Promise<T>): Promise<{ value: T; lagMs: number; rssGrowthMb: number }> {
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  let lag = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    lag = Math.max(lag, now - last);
    last = now;
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    const value = await work();
    // A stall at the very end shows in no tick: count the gap since the last one.
    lag = Math.max(lag, performance.now() - last);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, lagMs: lag, rssGrowthMb: (peak - rss0) / 2 ** 20 };
  } finally {
    clearInterval(tick);
  }
}

describe('a run of millions of tasks', () => {
  it('opens and resumes with the event loop free and memory by the task, not by the id', async () => {
    const data = path.join(tmp.dir, 'millions');
    const count = 3_000_000;
    const runId = '20260101-000000-aaaa';
    // Every third task has a result: 1 M journal lines.
    const thirds = function* () {
      for (let i = 0; i < count; i += 3) yield i;
    };
    const { lines } = await writeRun(data, runId, count, thirds());
    farm = new Farm({ launcher: new NodeLauncher(), cores: 1, journal: farmJournal(data) });

    const opened = await watched(() => farm?.openRun(runId, { offset: 500_000, limit: 10 }) as Promise<unknown>);
    const detail = opened.value as { resultCount: number; results: { index: number }[] };
    expect(detail.resultCount).toBe(lines);
    expect(detail.results.map((r) => r.index)).toEqual(Array.from({ length: 10 }, (_, k) => (500_000 + k) * 3));
    expect(opened.lagMs).toBeLessThan(200);
    expect(opened.rssGrowthMb).toBeLessThan(200);

    const resumed = await watched(() => farm?.resume(runId, { cores: 1 }) as Promise<unknown>);
    expect(resumed.value).toMatchObject({ runId, total: count });
    expect(resumed.lagMs).toBeLessThan(200);
    expect(resumed.rssGrowthMb).toBeLessThan(200);
    const status = await farm.status();
    let failed = 0;
    for (const i of thirds()) if (i % 1000 === 7) failed++;
    expect(status.progress).toMatchObject({ total: count, done: lines - failed, failed });
    await farm.terminate({ force: true });
    await farm.finished();
  }, 120_000);

  it(`opens and resumes a page's sweep of MAX_PLANNED_TASKS tasks stopped after a few results, at once`, async () => {
    const data = path.join(tmp.dir, 'page-sweep');
    const runId = '20260101-000000-cccc';
    const { lines } = await writeRun(data, runId, MAX_PLANNED_TASKS, [0, 5, 2 ** 24 + 1, MAX_PLANNED_TASKS - 1]);
    farm = new Farm({ launcher: new NodeLauncher(), cores: 1, journal: farmJournal(data) });
    // Twice: the second time the run's index is not cached any more (another run was opened).
    for (const other of [false, true]) {
      if (other) await farm.openRun('20260101-000000-aaaa').catch(() => undefined);
      const opened = await watched(() => farm?.openRun(runId, { offset: 2, limit: 10 }) as Promise<unknown>);
      const detail = opened.value as { resultCount: number; results: { index: number }[] };
      expect(detail.resultCount).toBe(lines);
      expect(detail.results.map((r) => r.index)).toEqual([2 ** 24 + 1, MAX_PLANNED_TASKS - 1]);
      expect(opened.lagMs).toBeLessThan(200);
      expect(opened.rssGrowthMb).toBeLessThan(100);
    }
    const resumed = await watched(() => farm?.resume(runId, { cores: 1 }) as Promise<unknown>);
    expect(resumed.value).toMatchObject({ runId, total: MAX_PLANNED_TASKS });
    expect(resumed.lagMs).toBeLessThan(200);
    // A byte per task or two (the recorder's and the scheduler's), touched only where results are.
    expect(resumed.rssGrowthMb).toBeLessThan(300);
    expect((await farm.status()).progress).toMatchObject({ total: MAX_PLANNED_TASKS, done: lines });
    await farm.terminate({ force: true });
    await farm.finished();
  }, 120_000);

  it(`resumes a run of MAX_PLANNED_TASKS (${MAX_PLANNED_TASKS.toLocaleString('en-US')}) tasks, past the 2^24 entries of a Set`, async () => {
    const data = path.join(tmp.dir, 'max');
    const count = MAX_PLANNED_TASKS;
    expect(count).toBeGreaterThan(2 ** 24);
    const spread = new Set([0, 1, 2 ** 24 - 1, 2 ** 24, 2 ** 24 + 5, 7_000_007, count - 1]);
    const { dir, idOf, hash } = await writeRun(data, '20260101-000000-bbbb', count, spread);
    // A line of another plan (its id is not task 3's) and one past the plan's end.
    const fd = openSync(path.join(dir, 'results.jsonl'), 'a');
    writeSync(
      fd,
      `{"id":"0123456789abcdef","index":3,"label":"x","solver":0,"status":"optimal","objective":1,"timeMs":1}\n`,
    );
    writeSync(
      fd,
      `{"id":"0123456789abcdef","index":${count},"label":"x","solver":0,"status":"optimal","objective":1,"timeMs":1}\n`,
    );
    closeSync(fd);
    const t0 = performance.now();
    const planned = await watched(() =>
      resumeRun(dir, { count, idOf, specHash: hash, retryFailed: true, summaryRefreshMs: 0 }),
    );
    const { recorder, plan } = planned.value;
    try {
      expect(plan).toMatchObject({ total: count, done: spread.size - 1, failed: 0, retried: 1, unknown: 2 });
      expect(plan.toRun).toBe(count - (spread.size - 1));
      expect(plan.state[2 ** 24 + 5]).toBe(1);
      expect(plan.state[7_000_007]).toBe(2);
      expect(plan.state[3]).toBe(0);
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect(planned.lagMs).toBeLessThan(200);
    } finally {
      recorder.abandon();
    }
  }, 60_000);
});
