/**
 * The warm pool (FarmOptions.keepWarm): solver processes stay up between runs and are
 * set up again for each job; terminate and close keep their meaning. Real processes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskResult } from '../../../solver/api.ts';
import { customJob, FarmHarness, gracefulStopDuringLongTask, processExists, waitFor } from './helpers.ts';

let h: FarmHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Results delivered since `from` events. */
function resultsAfter(harness: FarmHarness, from: number): TaskResult[] {
  return harness
    .events()
    .slice(from)
    .flatMap((e) => (e.type === 'results' ? e.results : []));
}

describe('a farm with keepWarm', () => {
  it('runs job after job on the same processes, set up again for each job', async () => {
    h = new FarmHarness({ cores: 2, keepWarm: true });
    await h.farm.warm();
    expect(h.launcher.launched).toHaveLength(2);
    const pids = h.pids();
    for (const pid of pids) expect(processExists(pid)).toBe(true);

    await h.farm.start(customJob('spin.ts', { tasks: 40, ms: 2 }));
    expect(await h.farm.finished()).toBe('done');
    const first = h.results();
    expect(first.map((r) => r.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    for (const r of first) expect(pids).toContain(r.values?.pid);
    // Still up, idle, after the run.
    for (const pid of pids) expect(processExists(pid)).toBe(true);
    expect((await h.farm.status()).solvers.every((s) => s.state === 'stopped')).toBe(true);

    // Another kind on the same processes: Wyndor at P = 500 and 150 (both sides of the basis change at 200).
    const mark = h.events().length;
    await h.farm.start({ example: 'wyndor-sweep' });
    expect(await h.farm.finished()).toBe('done');
    const wyndor = resultsAfter(h, mark);
    expect(wyndor).toHaveLength(901);
    const at = (label: string) => wyndor.find((r) => r.label === label);
    expect(at('P=500')?.objective).toBeCloseTo(3600, 6);
    expect(at('P=500')?.values).toEqual({ doors: 2, windows: 6 });
    expect(at('P=150')?.objective).toBeCloseTo(300 * 4 + 150 * 3, 6);
    expect(at('P=150')?.values).toEqual({ doors: 4, windows: 3 });
    expect(h.launcher.launched).toHaveLength(2);
    expect(new Set(wyndor.map((r) => r.solver))).toEqual(new Set([0, 1]));
  });

  it('graceful terminate starts no new task and keeps the processes for the next run', async () => {
    h = new FarmHarness({ cores: 1, keepWarm: true });
    const requestedAt = await gracefulStopDuringLongTask(h);
    expect(h.results().map((r) => r.label)).toEqual(['t0', 't1', 't2', 't3', 't4']);
    for (const r of h.results()) expect(r.values?.startedAt).toBeLessThanOrEqual(requestedAt);
    const pid = h.pids()[0] as number;
    expect(processExists(pid)).toBe(true);

    // The next run gets the same process, with nothing left over from the stopped one.
    const mark = h.events().length;
    await h.farm.start(customJob('spin.ts', { tasks: 6, ms: 1 }));
    expect(await h.farm.finished()).toBe('done');
    const next = resultsAfter(h, mark);
    expect(next.map((r) => r.label).sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
    for (const r of next) expect(r.values?.pid).toBe(pid);
    expect(h.launcher.launched).toHaveLength(1);
  });

  it('force terminate kills the processes within 1 s; the next run starts new ones; close leaves none', async () => {
    h = new FarmHarness({ cores: 2, keepWarm: true });
    await h.farm.warm();
    const pids = h.pids();
    await h.farm.start(customJob('spin.ts', { tasks: 4, ms: 20_000 }));
    const harness = h;
    await waitFor(
      'both solving',
      () => harness.farm.snapshot().solvers.filter((s) => s.state === 'solving').length === 2,
    );
    const t0 = performance.now();
    expect(await h.farm.terminate({ force: true })).toBe('force');
    await waitFor('solver pids gone', () => pids.every((pid) => !processExists(pid)), 5000);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await h.farm.finished()).toBe('stopped');

    await h.farm.start(customJob('spin.ts', { tasks: 4, ms: 1 }));
    expect(await h.farm.finished()).toBe('done');
    expect(h.launcher.launched).toHaveLength(4);
    const fresh = h.pids().slice(2);
    for (const pid of fresh) expect(processExists(pid)).toBe(true);
    await h.close();
    h = undefined;
    await waitFor('no solver left', () => fresh.every((pid) => !processExists(pid)), 5000);
  });
});
