/**
 * Solver processes that die: killed from outside, dying before `ready`, failing setup,
 * exiting inside a task, or leaving an uncaught error behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { CountingLauncher, customJob, FarmHarness, KINDS_DIR, waitFor } from './helpers.ts';

let h: FarmHarness | undefined;
const tmpDirs: string[] = [];

afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const dir of tmpDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** How many results each task index got. */
function countByIndex(harness: FarmHarness): Map<number, number> {
  const counts = new Map<number, number>();
  for (const r of harness.results()) counts.set(r.index, (counts.get(r.index) ?? 0) + 1);
  return counts;
}

describe('a solver killed from outside mid-run', () => {
  it('is replaced in its slot; the run ends done with every result exactly once', async () => {
    h = new FarmHarness({ cores: 2 });
    const total = 40;
    await h.farm.start(customJob('spin.ts', { tasks: total, ms: 60 }));
    // Mid-run: results are coming in and solver 0 is working on a task.
    const victim = await waitFor('solver 0 solving, a few results in', () => {
      const s = h?.farm.snapshot().solvers[0];
      return h && h.results().length >= 4 && s?.state === 'solving' ? s : undefined;
    });
    const pid = victim.pid as number;

    process.kill(pid, 'SIGKILL');

    expect(await h.farm.finished()).toBe('done');
    const counts = countByIndex(h);
    expect(counts.size).toBe(total);
    for (let i = 0; i < total; i++) expect(counts.get(i)).toBe(1);
    expect(h.results().every((r) => r.status === 'optimal')).toBe(true);
    const status = await h.farm.status();
    expect(status.progress).toMatchObject({ total, done: total, failed: 0 });
    const slot0 = status.solvers[0];
    expect(slot0?.restarts).toBe(1);
    expect(slot0?.pid).not.toBe(pid);
    expect(status.solvers[1]?.restarts).toBe(0);
    const crashed = h.solverEvents().find((s) => s.id === 0 && s.state === 'crashed');
    expect(crashed?.reason).toBe('killed by SIGKILL');
    expect(crashed?.pid).toBe(pid);
  });
});

describe('a task that kills its process every time', () => {
  it('is retried up to the limit, then recorded as failed; the others succeed', async () => {
    h = new FarmHarness({ cores: 1, maxTaskRetries: 2 });
    await h.farm.start(customJob('crash.ts', { tasks: 6, ms: 5, on: 2, how: 'exit' }));
    expect(await h.farm.finished()).toBe('done');
    const counts = countByIndex(h);
    for (let i = 0; i < 6; i++) expect(counts.get(i)).toBe(1);
    const failed = h.results().filter((r) => r.status === 'error');
    expect(failed.map((r) => r.index)).toEqual([2]);
    expect(failed[0]?.error?.message).toMatch(/died 3 times .*exited with code 3.*gave up after 2 retries/);
    const status = await h.farm.status();
    expect(status.progress).toMatchObject({ done: 5, failed: 1 });
    expect(status.solvers[0]?.restarts).toBe(3);
  });

  it('that crashes only once succeeds on its retry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'farm-once-'));
    tmpDirs.push(dir);
    h = new FarmHarness({ cores: 2 });
    await h.farm.start(customJob('crash.ts', { tasks: 20, ms: 5, on: 7, how: 'exit', once: dir }));
    expect(await h.farm.finished()).toBe('done');
    const counts = countByIndex(h);
    for (let i = 0; i < 20; i++) expect(counts.get(i)).toBe(1);
    expect(h.results().every((r) => r.status === 'optimal')).toBe(true);
    const restarts = (await h.farm.status()).solvers.reduce((n, s) => n + s.restarts, 0);
    expect(restarts).toBe(1);
  });
});

describe('a task that throws', () => {
  it('is an error result; the process lives on', async () => {
    h = new FarmHarness({ cores: 1 });
    await h.farm.start(customJob('crash.ts', { tasks: 5, ms: 1, on: 1, how: 'throw' }));
    expect(await h.farm.finished()).toBe('done');
    const bad = h.results().find((r) => r.index === 1);
    expect(bad?.status).toBe('error');
    expect(bad?.error?.message).toBe('fixture: task 1 is infeasible by design');
    expect((await h.farm.status()).solvers[0]?.restarts).toBe(0);
  });
});

describe('an uncaught error in the worker', () => {
  for (const how of ['uncaught', 'reject'] as const) {
    it(`(${how}) becomes an error event and the solver's reason, not a silent death`, async () => {
      h = new FarmHarness({ cores: 1 });
      await h.farm.start(customJob('crash.ts', { tasks: 8, ms: 20, on: 3, how }));
      expect(await h.farm.finished()).toBe('done');
      const errors = h.events().flatMap((e) => (e.type === 'error' ? [e] : []));
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(errors[0]?.solver).toBe(0);
      expect(errors[0]?.error.message).toMatch(/fixture: (uncaught|rejected) after task 3/);
      const crashed = h.solverEvents().find((s) => s.state === 'crashed');
      expect(crashed?.reason).toMatch(/fixture: (uncaught|rejected) after task 3 \(exited with code 1\)/);
      // The work still completes, each task once.
      const counts = countByIndex(h);
      for (let i = 0; i < 8; i++) expect(counts.get(i)).toBe(1);
    });
  }
});

describe('a solver that dies before ready', () => {
  it('is not restarted in a loop, and the run fails with the reason', async () => {
    const launcher = new CountingLauncher(new NodeLauncher({ entry: join(KINDS_DIR, 'die-before-ready.ts') }));
    h = new FarmHarness({ cores: 2, launcher });
    await h.farm.start(customJob('spin.ts', { tasks: 10, ms: 1 }));
    expect(await h.farm.finished()).toBe('failed');
    // Two slots, one retry each: four processes, no more, even a while later.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(launcher.launched).toHaveLength(4);
    const status = await h.farm.status();
    expect(status.state).toBe('failed');
    for (const s of status.solvers) {
      expect(s.state).toBe('crashed');
      expect(s.restarts).toBe(1);
      expect(s.reason).toMatch(/died before it was ready twice in a row \(exited with code 7\)/);
      expect(s.reason).toContain('the solver engine could not be loaded');
    }
    const run = h.events().findLast((e) => e.type === 'run');
    expect(run).toMatchObject({ type: 'run', state: 'failed' });
    expect(run?.type === 'run' && run.reason).toMatch(/^no solver process is left: solver 0: died before it was ready/);
  });
});

describe('a solver whose setup fails', () => {
  it('is left crashed with the setup error; the run fails', async () => {
    h = new FarmHarness({ cores: 2 });
    await h.farm.start(customJob('crash.ts', { tasks: 4, how: 'setup' }));
    expect(await h.farm.finished()).toBe('failed');
    expect(h.launcher.launched).toHaveLength(2);
    const status = await h.farm.status();
    for (const s of status.solvers) {
      expect(s.state).toBe('crashed');
      expect(s.reason).toBe('setup failed: fixture: this model cannot be loaded');
    }
    const errors = h.events().filter((e) => e.type === 'error');
    expect(errors.some((e) => e.type === 'error' && e.error.message === 'fixture: this model cannot be loaded')).toBe(
      true,
    );
  });
});
