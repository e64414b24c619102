/**
 * `solver-farm run <job.json>`: start a job on the farm, recorded by the run journal into
 * the output folder (results.jsonl streamed, steps.jsonl, logs/, job.json, summary.json:
 * resumable, listed by `solver-farm runs`). The session itself (progress, Ctrl-C, CSV,
 * summary, exit code) is run-session.ts.
 */
import { resolve } from 'node:path';
import type { SolverPriorityName } from '../farm/priority-launcher.ts';
import { unusableRunFolder } from '../journal/run-folder.ts';
import { coresOption } from './cores.ts';
import { oneLine, UserError } from './errors.ts';
import { readJobFile } from './job-file.ts';
import { objectiveSense, type SessionIo, superviseRun } from './run-session.ts';

/** Options of `run` as parsed by commander. */
export interface RunOptions {
  cores?: number;
  out?: string;
  logs?: boolean;
  /** RabbitMQ broker URL: remote workers share the run's tasks (solver/remote/). */
  broker?: string;
  /** OS priority of the solver processes; default normal. */
  priority?: SolverPriorityName;
  /** Seconds a SIGTERM lets running tasks finish (default 10). */
  grace?: number;
}

/** Run a job file; resolves with the process exit code. User errors throw UserError (one line). */
export async function runCommand(jobPath: string, options: RunOptions, io: SessionIo = process): Promise<number> {
  const cores = coresOption(options.cores);
  const job = readJobFile(jobPath);
  const absolute = resolve(jobPath);
  // Check the output folder before any solver starts: failing after the work began would waste it.
  checkFolder(options.out ?? 'runs', options.out === undefined ? 'the runs folder' : '--out');
  // Loaded after the job file is read, so a missing or broken file costs nothing more.
  const { openFarm } = await import('./open-farm.ts');
  const { recordInto } = await import('../journal/farm-recording.ts');
  const farm = openFarm({ cores, broker: options.broker, priority: options.priority });
  return superviseRun({
    farm,
    cores,
    logs: options.logs === true,
    io,
    grace: options.grace,
    label: jobPath,
    sense: objectiveSense(job),
    async start() {
      try {
        // An absolute source: the farm resolves the job's relative paths (a TSP instance, a
        // custom kind module) against the folder of an absolute source, not of a relative one.
        // Before any solver starts the journal opens the run folder (an --out folder must be
        // empty or new); a start that fails lets go of it again (Farm.start).
        return await farm.start(
          { job, source: absolute, cores },
          { observe: recordInto(options.out === undefined ? { root: process.cwd() } : { dir: resolve(options.out) }) },
        );
      } catch (err) {
        // start() rejects for jobs it cannot run (the located ValidationError of the kind) or
        // an output folder the journal cannot use. Name the file as the user typed it.
        throw new UserError(oneLine(err).replaceAll(absolute, jobPath));
      }
    },
  });
}

/**
 * Check that `dir` can be created or written, without creating anything yet (a job that
 * then fails validation leaves no empty folder): `dir` or its nearest existing ancestor
 * must be a writable folder on a real file system (not /proc). A UserError naming `what` if not.
 */
function checkFolder(dir: string, what: string): void {
  const why = unusableRunFolder(dir);
  if (why !== null) throw new UserError(`${what} ${dir}: cannot create or write this folder: ${why}`);
}
