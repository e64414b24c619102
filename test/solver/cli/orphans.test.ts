/**
 * DESIGN 'Trust boundaries': a solver dies within a second of its farm dying, even mid-solve.
 * The farm (the CLI, `serve`) is SIGKILLed while every solver is inside a long synchronous
 * solve that never reads a message; every solver pid must be gone within 2 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { childPids, isRunning } from '../../support/processes.ts';
import { type CliRun, killAll, ROOT, startCli, waitFor } from './run-cli.ts';
import { serveTsp } from './serve-tsp.ts';
import { removeSlowJobs, slowJob } from './slow-job.ts';

let tmp: string;

/** SIGKILL only the farm process (not its group), as the OOM killer or `kill -9 <pid>` would. */
async function killFarmAndWatch(run: CliRun, solverPids: number[]): Promise<number[]> {
  const pid = run.child.pid as number;
  const until = Date.now() + 2000;
  process.kill(pid, 'SIGKILL');
  await run.done;
  while (Date.now() < until && solverPids.some(isRunning)) await new Promise((r) => setTimeout(r, 20));
  return solverPids.filter(isRunning);
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'solver-farm-orphans-'));
});
afterEach(() => {
  killAll();
  removeSlowJobs();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(process.platform !== 'linux')('solvers of a farm that was SIGKILLed', () => {
  it('`run`: every solver dies within 2 s, though each is inside a 60 s solve', async () => {
    const job = slowJob({ tasks: 4, ms: 60_000 });
    const run = startCli(['run', job, '--cores', '2', '--logs', '--out', join(tmp, 'run')], ROOT);
    await waitFor(
      () =>
        /\[core 1\] task \d is blocking/.test(run.out.stdout) && /\[core 2\] task \d is blocking/.test(run.out.stdout),
      30_000,
      'both solvers inside a solve',
    );
    const solvers = childPids(run.child.pid as number);
    expect(solvers).toHaveLength(2);
    expect(await killFarmAndWatch(run, solvers)).toEqual([]);
  });

  it('`serve`: every solver dies within 2 s, though each is inside a 60 s step', async () => {
    const { run, solvers } = await serveTsp(join(tmp, 'serve'), 60_000);
    // Inside the step: past the start tours, into the 60 s of local search.
    await new Promise((r) => setTimeout(r, 500));
    expect(await killFarmAndWatch(run, solvers)).toEqual([]);
  });
});
