/**
 * `solver-farm resume <run dir> [--cores N] [--logs] [--retry-failed]`: continue a stopped or
 * interrupted run in the same folder. The journal re-reads job.json, re-plans the job, checks
 * its inputs did not change, and the farm runs only the tasks without a result (and, with
 * --retry-failed, the failed ones again); new results append to the same results.jsonl. A
 * step job (tsp) goes on after its last recorded step, from that step's best tour.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SolverPriorityName } from '../farm/priority-launcher.ts';
import { coresOption } from './cores.ts';
import { oneLine, UserError } from './errors.ts';
import { objectiveSense, type SessionIo, superviseRun } from './run-session.ts';

/** Options of `resume` as parsed by commander. */
export interface ResumeOptions {
  cores?: number;
  logs?: boolean;
  retryFailed?: boolean;
  /** OS priority of the solver processes; default normal. */
  priority?: SolverPriorityName;
  /** Seconds a SIGTERM lets running tasks finish (default 10). */
  grace?: number;
}

/** Resume the run in `dir`; resolves with the exit code. User errors throw UserError (one line). */
export async function resumeCommand(dir: string, options: ResumeOptions, io: SessionIo = process): Promise<number> {
  const cores = coresOption(options.cores);
  if (!existsSync(dir)) throw new UserError(`${dir}: no such run folder (solver-farm runs lists them)`);
  const { prepareResume } = await import('../journal/farm-recording.ts');
  const { kinds } = await import('../problems/registry.ts');
  let prepared: Awaited<ReturnType<typeof prepareResume>>;
  try {
    prepared = await prepareResume(resolve(dir), kinds, { retryFailed: options.retryFailed === true });
  } catch (err) {
    throw new UserError(`cannot resume ${dir}: ${oneLine(err)}`);
  }
  if (prepared.warnings !== '') io.stderr.write(`${prepared.warnings}\n`);
  const { openFarm } = await import('./open-farm.ts');
  const farm = openFarm({ cores, priority: options.priority });
  const loaded = prepared.loaded;
  return superviseRun({
    farm,
    cores,
    logs: options.logs === true,
    io,
    grace: options.grace,
    label: loaded.steps
      ? `${dir} (resumed after step ${loaded.steps.done} of ${loaded.steps.total})`
      : `${dir} (resumed: ${loaded.done} done, ${loaded.failed} failed before)`,
    sense: objectiveSense(loaded.runJob.job),
    before: loaded.steps ? { done: 0, failed: 0 } : { done: loaded.done, failed: loaded.failed },
    async start() {
      try {
        // The same path as Farm.resume: a start that fails releases the run's lock and leaves
        // the folder as it was.
        return await farm.start({ ...prepared.request, cores }, prepared.options);
      } catch (err) {
        throw new UserError(`cannot resume ${dir}: ${oneLine(err)}`);
      }
    },
  });
}
