import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskResult } from '../../../solver/api.ts';
import { loadJob } from '../../../solver/farm/job.ts';
import { specHash, taskIdHasher } from '../../../solver/farm/task-id.ts';
import { loadRunForResume, recordNewRun } from '../../../solver/journal/farm-recording.ts';
import { type ResumePlan, remainingTasks } from '../../../solver/journal/resume.ts';
import { JOB_FILE_ACCESS } from '../../../solver/problems/job-access.ts';
import { kinds } from '../../../solver/problems/registry.ts';
import type { TaskPlan } from '../../../solver/problems/types.ts';
import { tempDir } from './helpers.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const SOURCE = path.join(FIXTURES, 'flaky-job.json');

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const doc = {
  kind: 'custom',
  name: 'flaky twenty',
  module: './flaky.ts',
  spec: { tasks: 20, ms: 1, failEvery: 7 },
  policy: { haltAfterFailures: 5, taskTimeoutSec: 2 },
};

async function recordSome(indices: number[]): Promise<string> {
  const job = await loadJob(doc, SOURCE, FIXTURES, kinds, JOB_FILE_ACCESS);
  const rec = await recordNewRun(
    { target: { root: tmp.dir }, runId: '20261122-040000-abcdef', doc, job, baseDir: FIXTURES, cores: 2 },
    { summaryRefreshMs: 0 },
  );
  const plan = job.plan as TaskPlan<unknown>;
  const idOf = taskIdHasher(job.kindName, job.spec);
  for (const i of indices) {
    const r: TaskResult = {
      id: idOf(plan.task(i)),
      index: i,
      label: plan.label(i),
      solver: 0,
      status: i % 7 === 0 ? 'error' : 'optimal',
      objective: i % 7 === 0 ? null : i,
      timeMs: 1,
    };
    rec.result(r);
  }
  rec.finish({ status: 'stopped' });
  return rec.dir;
}

describe('recordNewRun', () => {
  it("writes job.json with the farm's spec hash, the document and where it came from", async () => {
    const dir = await recordSome([]);
    expect(dir).toBe(path.join(tmp.dir, 'runs', '20261122-040000-abcdef'));
    const job = JSON.parse(readFileSync(path.join(dir, 'job.json'), 'utf8'));
    const loaded = await loadJob(doc, SOURCE, FIXTURES, kinds, JOB_FILE_ACCESS);
    expect(job).toMatchObject({
      kind: 'custom',
      name: 'flaky twenty',
      source: SOURCE,
      baseDir: FIXTURES.replace(/\/$/, ''),
      taskCount: 20,
      steps: null,
      cores: 2,
      specHash: specHash('custom', loaded.spec),
      job: doc,
    });
  });
});

/** The plan indices a loaded resume runs. */
function toRun(r: { resumed: { plan?: ResumePlan } }): number[] {
  return r.resumed.plan === undefined ? [] : [...remainingTasks(r.resumed.plan)];
}

describe('loadRunForResume', () => {
  it('re-plans the stored job and leaves exactly the missing tasks to run', async () => {
    const dir = await recordSome([0, 1, 2, 3, 7, 10]);
    const r = await loadRunForResume(dir, kinds, { summaryRefreshMs: 0 });
    expect(r.job.kindName).toBe('custom');
    expect(r.job.plan.type === 'tasks' && r.job.plan.count).toBe(20);
    expect(r.policy).toEqual({ crashRetries: 2, haltAfterFailures: 5, taskTimeoutSec: 2 });
    expect(toRun(r)).toEqual([4, 5, 6, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(r.done).toBe(4);
    expect(r.failed).toBe(2);
    expect([...r.finished].filter((s) => s !== 0).length).toBe(6);
    r.resumed.recorder.finish({ status: 'stopped' });
  });

  it('with retryFailed also runs the failed tasks again', async () => {
    const dir = await recordSome([0, 1, 2, 3, 7, 10]);
    const r = await loadRunForResume(dir, kinds, { retryFailed: true, summaryRefreshMs: 0 });
    expect(toRun(r).slice(0, 4)).toEqual([0, 4, 5, 6]);
    expect(r.resumed.plan?.retried).toBe(2);
    expect(r.finished[0]).toBe(0);
    expect(r.finished[7]).toBe(0);
    expect(r.finished[1]).toBe(1);
    r.resumed.recorder.finish({ status: 'stopped' });
  });

  it('still works after the run folder was moved elsewhere', async () => {
    const dir = await recordSome([1, 2, 3]);
    const moved = path.join(tmp.dir, 'archive', 'old-run');
    cpSync(dir, moved, { recursive: true });
    const r = await loadRunForResume(moved, kinds, { summaryRefreshMs: 0 });
    expect(r.done).toBe(3);
    expect(r.resumed.plan?.toRun).toBe(17);
    expect(toRun(r)).toHaveLength(17);
    r.resumed.recorder.finish({ status: 'stopped' });
  });

  it('names the job file and JSON path when the stored job no longer parses', async () => {
    const dir = await recordSome([1]);
    const bad = await loadRunForResume(dir, new Map(), {}).catch((err: Error) => err);
    expect(String(bad)).toMatch(/flaky-job\.json: \$\.kind: expected one of/);
  });
});
