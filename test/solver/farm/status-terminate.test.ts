/**
 * Status while every solver is busy, and both terminate stages, on real solver processes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { customJob, FarmHarness, gracefulStopDuringLongTask, processExists, waitFor } from './helpers.ts';

let h: FarmHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Wait until every solver logged the start of a task: each is inside a synchronous solve. */
async function allInsideASolve(harness: FarmHarness, solvers: number): Promise<void> {
  await waitFor(`${solvers} solvers inside a solve`, () => {
    const started = new Set<number>();
    for (const e of harness.events())
      if (e.type === 'log' && e.lines.some((l) => l.startsWith('start t'))) started.add(e.solver);
    return started.size >= solvers;
  });
}

describe('status()', () => {
  it('answers within 100 ms while every solver is inside a 3 s synchronous solve', async () => {
    h = new FarmHarness({ cores: 2 });
    await h.farm.start(customJob('spin.ts', { tasks: 2, ms: 3000 }));
    await allInsideASolve(h, 2);

    const t0 = performance.now();
    const status = await h.farm.status();
    const elapsed = performance.now() - t0;

    expect(elapsed).toBeLessThan(100);
    expect(status.state).toBe('running');
    expect(status.solvers).toHaveLength(2);
    for (const s of status.solvers) {
      expect(s.state).toBe('solving');
      expect(s.task).toMatch(/^t[01]$/);
      expect(s.pid).toBeGreaterThan(0);
      expect(s.memory).toBeGreaterThan(0);
    }
    // Each solver has its own task.
    expect(new Set(status.solvers.map((s) => s.task)).size).toBe(2);
    expect(status.progress).toMatchObject({ total: 2, done: 0, running: 2 });
  });
});

describe('terminate()', () => {
  it('force: every solver pid is gone within 1 s, even mid-solve, and the run ends stopped', async () => {
    h = new FarmHarness({ cores: 2 });
    await h.farm.start(customJob('spin.ts', { tasks: 4, ms: 20_000 }));
    await allInsideASolve(h, 2);
    const pids = (await h.farm.status()).solvers.map((s) => s.pid as number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(processExists(pid)).toBe(true);

    const t0 = performance.now();
    const stage = await h.farm.terminate({ force: true });
    await waitFor('solver pids gone', () => pids.every((pid) => !processExists(pid)), 5000);
    const elapsed = performance.now() - t0;

    expect(stage).toBe('force');
    expect(elapsed).toBeLessThan(1000);
    expect(await h.farm.finished()).toBe('stopped');
    const status = await h.farm.status();
    expect(status.state).toBe('stopped');
    expect(status.terminate).toBe('force');
    for (const s of status.solvers) expect(s.state).toBe('stopped');
    expect(h.events().some((e) => e.type === 'run' && e.state === 'forcing')).toBe(true);
  });

  it('a second call after a graceful one forces', async () => {
    h = new FarmHarness({ cores: 2 });
    await h.farm.start(customJob('spin.ts', { tasks: 4, ms: 20_000 }));
    await allInsideASolve(h, 2);
    const pids = (await h.farm.status()).solvers.map((s) => s.pid as number);

    expect(await h.farm.terminate()).toBe('graceful');
    expect((await h.farm.status()).state).toBe('stopping');
    // The 20 s solves would keep a graceful stop waiting: the second press kills them.
    const t0 = performance.now();
    expect(await h.farm.terminate()).toBe('force');
    await waitFor('solver pids gone', () => pids.every((pid) => !processExists(pid)), 5000);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await h.farm.finished()).toBe('stopped');
    expect(await h.farm.terminate()).toBe('none');
  });

  it('graceful: no task starts after the request, running tasks finish and are kept, the run ends stopped', async () => {
    h = new FarmHarness({ cores: 2 });
    const total = 12;
    await h.farm.start(customJob('spin.ts', { tasks: total, ms: 1000 }));
    // Both solvers finish their first task at about the same time and start the next:
    // asking right then means a wrongly started task would begin ~1 s after the request.
    await waitFor('two results', () => h && h.results().length >= 2);
    const before = await h.farm.status();
    const running = before.solvers.flatMap((s) => (s.state === 'solving' && s.task ? [s.task] : []));
    expect(running.length).toBeGreaterThanOrEqual(1);
    const requestedAt = Date.now();
    const stage = await h.farm.terminate();
    expect(stage).toBe('graceful');
    expect((await h.farm.status()).state).toBe('stopping');

    expect(await h.farm.finished()).toBe('stopped');
    const results = h.results();
    // Nothing started after the request (300 ms of slack for a loaded machine: the
    // message is in flight while a solver finishes a task and looks for more).
    for (const r of results) expect(r.values?.startedAt).toBeLessThanOrEqual(requestedAt + 300);
    // The tasks that were running when we asked finished, and their results were kept.
    const labels = new Set(results.map((r) => r.label));
    for (const task of running) expect(labels.has(task)).toBe(true);
    // Each result once; the rest of the queue never ran.
    expect(new Set(results.map((r) => r.index)).size).toBe(results.length);
    expect(results.length).toBeLessThanOrEqual(6);
    const status = await h.farm.status();
    expect(status.state).toBe('stopped');
    expect(status.progress?.done).toBe(results.length);
    for (const s of status.solvers) expect(s.state).toBe('stopped');
  });
});

describe('terminate() with long tasks in multi-task batches', () => {
  it('graceful: the solver starts no further task of a batch it already holds', async () => {
    // Four fast tasks teach the scheduler ~1 ms per task, so the next batches carry many
    // tasks, which then take 1 s each: the stop must be seen between two tasks of a batch
    // (and the prefetched second batch must never start).
    h = new FarmHarness({ cores: 1 });
    const requestedAt = await gracefulStopDuringLongTask(h);
    const results = h.results();
    // t4 was running: it finished and was kept. Nothing started after the request.
    expect(results.map((r) => r.label).sort()).toEqual(['t0', 't1', 't2', 't3', 't4']);
    for (const r of results) expect(r.values?.startedAt).toBeLessThanOrEqual(requestedAt);
    const starts = h.logLines().filter((l) => l.startsWith('start t'));
    expect(starts).toEqual(
      ['start t0', 'start t1', 'start t2', 'start t3', 'start t4'].map((s) => expect.stringContaining(s)),
    );
  });
});
