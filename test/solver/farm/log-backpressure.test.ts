/**
 * A solver that logs faster than the farm reads (real processes). Its finished task's result
 * must reach the farm before the next task, even when that task is long and synchronous:
 * nothing leaves a solver process while it solves, so a result queued behind megabytes of
 * log lines used to wait for the whole next task. Held-back lines are owned up to in the log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { customJob, FarmHarness, waitFor } from './helpers.ts';

let h: FarmHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Keep this (the farm's) event loop busy: the solver's pipe fills as a slow reader's would. */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

describe('a solver that floods its log', () => {
  it("delivers a finished task's result before its next, long task ends, and says how many lines it dropped", async () => {
    h = new FarmHarness({ cores: 1 });
    // Task 0 floods the log for 1.5 s; task 1 spins for 60 s.
    await h.farm.start(customJob('chatty.ts', { tasks: 2, ms: 1500, lineEveryMs: 0, slow: { 1: 60_000 } }));
    const harness = h;
    await waitFor('the first log lines', () => harness.logLines(0).length > 0);
    stall(1500);
    const started = Date.now();
    const first = await waitFor('the result of task 0', () => harness.results().find((r) => r.index === 0), 15_000);
    expect(first.label).toBe('chat0');
    // Task 1 is still running: the result did not wait for it.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await h.farm.status()).solvers[0]?.state).toBe('solving');
    // The held-back lines follow the result: a note for those dropped, then the newest ones
    // of task 0, its last included.
    const dropped = /^… [\d,]+ log lines dropped: the farm fell behind this solver's output$/;
    await waitFor('the dropped-lines note', () => harness.logLines(0).some((l) => dropped.test(l)), 10_000);
    await waitFor(
      "task 0's last line",
      () => harness.logLines(0).some((l) => l.startsWith('chat0 finished at ')),
      10_000,
    );
    expect((await h.farm.status()).solvers[0]?.state).toBe('solving');
    await h.farm.terminate({ force: true });
  }, 60_000);
});
