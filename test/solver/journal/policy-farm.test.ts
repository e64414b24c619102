/**
 * A job's failure policy on the real farm, recorded by the journal: a task that never
 * returns is timed out (its solver killed and replaced) and the run finishes; a solver over
 * its memory cap is replaced and its task recorded; halt-on-failures ends the run as failed
 * and says why — in the run event, in summary.json — without losing what finished.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FarmEvent } from '../../../solver/api.ts';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { recordInto } from '../../../solver/journal/farm-recording.ts';
import { readJournal } from '../../../solver/journal/journal-reader.ts';
import { readSummary } from '../../../solver/journal/run-dir.ts';
import { flakyJob, journalCounts, waitFor } from './farm-helpers.ts';
import { sigkillOnce, trackForCleanup } from './helpers.ts';

const track = trackForCleanup();

/** Runs a flaky job recorded into a fresh folder; returns the folder and the run's events. */
async function runFlaky(spec: Record<string, unknown>, policy: Record<string, unknown>, cores = 2) {
  const dir = path.join(track.tempDir('journal-policy-').dir, 'run');
  const farm = track.farm(new Farm({ launcher: new NodeLauncher(), cores }));
  const events: FarmEvent[] = [];
  farm.subscribe((batch) => events.push(...batch));
  await farm.start(flakyJob(spec, policy), { observe: recordInto({ dir }) });
  const state = await farm.finished();
  const results = new Map<number, { status: string; error?: { name: string; message: string } }>();
  await readJournal(path.join(dir, 'results.jsonl'), {
    onResult: (r) => {
      results.set(r.index, r.error ? { status: r.status, error: r.error } : { status: r.status });
    },
  });
  return { dir, state, events, results, status: await farm.status() };
}

describe('policy.taskTimeoutSec', () => {
  it('a stuck task behind short ones in the same batch is found and only it is recorded', async () => {
    // One solver, 1 ms tasks: batches are long and results travel in ~16 ms bunches, so when
    // task 150 hangs the farm has not heard of some tasks before it that already finished.
    const total = 400;
    const { dir, state, results } = await runFlaky({ tasks: total, ms: 1, hang: [150] }, { taskTimeoutSec: 0.5 }, 1);
    expect(state).toBe('done');
    const counts = await journalCounts(dir);
    expect(counts.repeated).toEqual([]);
    expect(counts.perIndex.size).toBe(total);
    const failed = [...results.entries()].filter(([, r]) => r.status === 'error').map(([i, r]) => [i, r.error?.name]);
    expect(failed).toEqual([[150, 'TaskTimedOut']]);
  }, 60_000);

  it('a task that never returns is timed out, its solver replaced, and the run finishes', async () => {
    const total = 40;
    const { dir, state, results, status } = await runFlaky({ tasks: total, ms: 5, hang: [7] }, { taskTimeoutSec: 1 });
    expect(state).toBe('done');
    const counts = await journalCounts(dir);
    expect(counts.repeated).toEqual([]);
    expect(counts.perIndex.size).toBe(total);
    const stuck = results.get(7);
    expect(stuck?.status).toBe('error');
    expect(stuck?.error?.name).toBe('TaskTimedOut');
    expect(stuck?.error?.message).toMatch(/still running after 1 s \(policy\.taskTimeoutSec\)/);
    for (const [i, r] of results) if (i !== 7) expect(r.status).toBe('optimal');
    // 1, or 2 when the stuck task was not yet known for sure (its batch then ran one by one).
    const restarts = status.solvers.reduce((n, s) => n + s.restarts, 0);
    expect(restarts).toBeGreaterThanOrEqual(1);
    expect(restarts).toBeLessThanOrEqual(2);
    expect(readSummary(dir)).toMatchObject({ status: 'done', total, done: total - 1, failed: 1 });
  }, 60_000);
});

describe('policy.taskTimeoutSec while stopping', () => {
  it('a graceful terminate does not wait forever for a stuck task: it is timed out and recorded', async () => {
    const dir = path.join(track.tempDir('journal-policy-').dir, 'run');
    const f = track.farm(new Farm({ launcher: new NodeLauncher(), cores: 1 }));
    await f.start(flakyJob({ tasks: 1, ms: 1, hang: [0] }, { taskTimeoutSec: 1 }), { observe: recordInto({ dir }) });
    await waitFor('the stuck task to start', () => f.snapshot().solvers[0]?.state === 'solving');
    expect(await f.terminate()).toBe('graceful');
    expect(await f.finished()).toBe('stopped');
    const results: { status: string; name?: string }[] = [];
    await readJournal(path.join(dir, 'results.jsonl'), {
      onResult: (r) => {
        results.push(r.error ? { status: r.status, name: r.error.name } : { status: r.status });
      },
    });
    expect(results).toEqual([{ status: 'error', name: 'TaskTimedOut' }]);
    expect(readSummary(dir)).toMatchObject({ status: 'stopped', failed: 1 });
  }, 60_000);
});

describe('policy.memoryLimitMb', () => {
  it('a solver over its memory cap is killed and replaced; its task is recorded as out of memory', async () => {
    const total = 30;
    const { dir, state, results, status } = await runFlaky({ tasks: total, ms: 5, hog: [4] }, { memoryLimitMb: 200 });
    expect(state).toBe('done');
    const counts = await journalCounts(dir);
    expect(counts.repeated).toEqual([]);
    expect(counts.perIndex.size).toBe(total);
    const hog = results.get(4);
    expect(hog?.status).toBe('error');
    expect(hog?.error?.name).toBe('OutOfMemory');
    expect(hog?.error?.message).toMatch(/used \d+ MiB, over policy\.memoryLimitMb \(200 MiB\)/);
    for (const [i, r] of results) if (i !== 4) expect(r.status).toBe('optimal');
    const restarts = status.solvers.reduce((n, s) => n + s.restarts, 0);
    expect(restarts).toBeGreaterThanOrEqual(1);
    expect(restarts).toBeLessThanOrEqual(2);
  }, 60_000);
});

describe('policy.haltAfterFailures / haltAfterFailurePercent', () => {
  it('halts after N failed tasks: the run fails, says why, and keeps what finished', async () => {
    const total = 2000;
    const { dir, state, events, results } = await runFlaky(
      { tasks: total, ms: 2, failEvery: 10 },
      { haltAfterFailures: 5 },
    );
    expect(state).toBe('failed');
    const run = events.findLast((e) => e.type === 'run');
    const why = /halted after \d+ failed tasks \(policy\.haltAfterFailures is 5\)/;
    expect(run?.type === 'run' && run.reason).toMatch(why);
    const summary = readSummary(dir);
    expect(summary?.status).toBe('failed');
    expect(summary?.reason).toMatch(why);
    // Stopped early: tasks are left for a resume, every journaled one exactly once.
    const counts = await journalCounts(dir);
    expect(counts.repeated).toEqual([]);
    expect(results.size).toBeLessThan(total);
    const failed = [...results.values()].filter((r) => r.status === 'error').length;
    expect(failed).toBeGreaterThanOrEqual(5);
    expect(summary).toMatchObject({ failed, done: results.size - failed });
  }, 60_000);

  it('halts when the failed share reaches X% (after enough finished tasks)', async () => {
    const { dir, state, events, results } = await runFlaky(
      { tasks: 2000, ms: 2, failEvery: 2 },
      { haltAfterFailurePercent: 40 },
    );
    expect(state).toBe('failed');
    const run = events.findLast((e) => e.type === 'run');
    expect(run?.type === 'run' && run.reason).toMatch(
      /^halted: \d+ of \d+ finished tasks failed \([\d.]+%, policy\.haltAfterFailurePercent is 40\)/,
    );
    expect(results.size).toBeLessThan(2000);
    expect(results.size).toBeGreaterThanOrEqual(20);
    expect(readSummary(dir)?.reason).toMatch(/haltAfterFailurePercent/);
  }, 60_000);

  it('a job within its limits is not halted', async () => {
    const { state } = await runFlaky({ tasks: 100, ms: 1, failEvery: 10 }, { haltAfterFailures: 11 });
    expect(state).toBe('done');
  }, 60_000);
});

describe('policy.crashRetries', () => {
  it("the job's value replaces the farm's default", async () => {
    // A hang with a timeout is not a crash; a crash needs a killed process: kill the solver
    // working on task 3 from outside every time, and count how often it was tried.
    const dir = path.join(track.tempDir('journal-policy-').dir, 'run');
    const f = track.farm(new Farm({ launcher: new NodeLauncher(), cores: 1, maxTaskRetries: 5 }));
    await f.start(flakyJob({ tasks: 6, ms: 5, hang: [3] }, { crashRetries: 1 }), { observe: recordInto({ dir }) });
    const killed = new Set<number>();
    const killer = setInterval(() => {
      const s = f.snapshot().solvers[0];
      if (s?.state === 'solving' && s.task === 'f3' && s.pid !== undefined) sigkillOnce(s.pid, killed);
    }, 50);
    try {
      expect(await f.finished()).toBe('done');
    } finally {
      clearInterval(killer);
    }
    const results = new Map<number, string>();
    await readJournal(path.join(dir, 'results.jsonl'), {
      onResult: (r) => {
        results.set(r.index, r.error?.message ?? r.status);
      },
    });
    expect(killed.size).toBe(2); // first try + 1 retry
    expect(results.get(3)).toMatch(/gave up after 1 retries/);
    expect(results.size).toBe(6);
  }, 60_000);
});
