/**
 * Solver process priority (FarmOptions.solverPriority): the OS really schedules the solver
 * processes below normal, for every process the farm starts (warm pool, a replacement after a
 * crash), and a farm without the option leaves them at the parent's priority. Real processes.
 */
import { getPriority } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { SOLVER_PRIORITIES } from '../../../solver/farm/priority-launcher.ts';
import { customJob, FarmHarness, waitFor } from './helpers.ts';

let h: FarmHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

const BELOW_NORMAL = SOLVER_PRIORITIES['below-normal'];

describe('solver process priority', () => {
  it('runs warm solver processes, and a replacement for a killed one, below normal', async () => {
    h = new FarmHarness({ cores: 2, keepWarm: true, solverPriority: BELOW_NORMAL });
    await h.farm.warm();
    const pids = h.pids();
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(getPriority(pid)).toBe(BELOW_NORMAL);

    // A solver killed mid-run is replaced; the new process is below normal too.
    await h.farm.start(customJob('spin.ts', { tasks: 60, ms: 50 }));
    const harness = h;
    await waitFor('a task result', () => harness.results().length > 0);
    process.kill(pids[0] as number, 'SIGKILL');
    await waitFor('a replacement process', () => harness.pids().length > 2);
    const replacement = h.pids()[2] as number;
    await waitFor('the replacement to be ready', () => {
      try {
        return getPriority(replacement) === BELOW_NORMAL;
      } catch {
        return false;
      }
    });
    expect(await h.farm.finished()).toBe('done');
    expect(new Set(h.results().map((r) => r.index)).size).toBe(60);
  });

  it("leaves solver processes at the parent's priority by default", async () => {
    h = new FarmHarness({ cores: 1, keepWarm: true });
    await h.farm.warm();
    const [pid] = h.pids();
    expect(getPriority(pid as number)).toBe(getPriority());
  });

  it('refuses a priority outside the OS scale, naming the option', () => {
    expect(() => new Farm({ launcher: new NodeLauncher(), solverPriority: 25 })).toThrow(
      /Farm options\.solverPriority: expected a whole number from -20 \(highest\) to 19 \(lowest\), got 25/,
    );
  });
});
