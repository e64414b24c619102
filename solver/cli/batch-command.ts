/**
 * `solver-farm run --batch <files or folders…> [--engine glpk|highs|auto]`: a batch job built
 * from the command line (one task per model file; folders searched recursively for .lp,
 * .mps, .lp.gz, .mps.gz) and run exactly like `run job.json`: same journal folder, progress,
 * Ctrl-C handling, results.csv and exit codes (0 all tasks solved, 1 tasks failed, 2 usage).
 * Labels are the files' paths relative to the current folder.
 */
import { resolve } from 'node:path';
import type { EngineChoice } from '../engines/types.ts';
import type { SolverPriorityName } from '../farm/priority-launcher.ts';
import { unusableRunFolder } from '../journal/run-folder.ts';
import { coresOption } from './cores.ts';
import { oneLine, UserError } from './errors.ts';
import { type SessionIo, superviseRun } from './run-session.ts';

/** Options of `run --batch` as parsed by commander. */
export interface BatchOptions {
  engine?: EngineChoice;
  timeLimit?: number;
  mipGap?: number;
  values?: 'all' | 'nonzero' | 'none';
  cores?: number;
  out?: string;
  logs?: boolean;
  /** OS priority of the solver processes; default normal. */
  priority?: SolverPriorityName;
  /** Seconds a SIGTERM lets running tasks finish (default 10). */
  grace?: number;
}

/** The batch job document the command line describes (paths relative to `cwd`). */
export function batchJob(paths: readonly string[], options: BatchOptions): Record<string, unknown> {
  if (paths.length === 0) throw new UserError('run --batch: expected at least one model file or folder');
  const job: Record<string, unknown> = { kind: 'batch', files: [...paths], engine: options.engine ?? 'auto' };
  if (options.timeLimit !== undefined) job.timeLimitSec = options.timeLimit;
  if (options.mipGap !== undefined) job.mipGap = options.mipGap;
  if (options.values !== undefined) job.output = { values: options.values };
  return job;
}

/** Run the files as a batch on the farm; resolves with the process exit code. */
export async function batchCommand(
  paths: readonly string[],
  options: BatchOptions,
  io: SessionIo = process,
  cwd: string = process.cwd(),
): Promise<number> {
  const cores = coresOption(options.cores);
  const job = batchJob(paths, options);
  // As `run` does: a folder that cannot hold the run is refused before any solver starts.
  const out = options.out === undefined ? resolve(cwd, 'runs') : resolve(cwd, options.out);
  const unusable = unusableRunFolder(out);
  if (unusable !== null) {
    const what = options.out === undefined ? 'the runs folder runs' : `--out ${options.out}`;
    throw new UserError(`${what}: cannot create or write this folder: ${unusable}`);
  }
  // The job has no file: it "lives" in the current folder, so relative paths and labels
  // resolve there, as the user typed them.
  const source = resolve(cwd, 'batch.json');
  const { openFarm } = await import('./open-farm.ts');
  const { recordInto } = await import('../journal/farm-recording.ts');
  const farm = openFarm({ cores, priority: options.priority });
  return superviseRun({
    farm,
    cores,
    logs: options.logs === true,
    io,
    grace: options.grace,
    label: `--batch ${paths.join(' ')}`,
    sense: null,
    async start() {
      try {
        // The same recording path as `run` (a start that fails lets go of the folder).
        return await farm.start(
          { job, source, cores },
          { observe: recordInto(options.out === undefined ? { root: cwd } : { dir: resolve(cwd, options.out) }) },
        );
      } catch (err) {
        // The batch kind's located errors name `<source>: $.files[i]`: say which argument that is.
        let message = oneLine(err);
        if (message.startsWith(`${source}: `)) message = `batch.json: ${message.slice(source.length + 2)}`;
        message = message.replace(
          /^batch\.json: \$\.files\[(\d+)\]: /,
          (_m, i: string) => `--batch ${paths[Number(i)] ?? ''}: `,
        );
        throw new UserError(message.replace(/^batch\.json: \$\.(\w+): /, '--$1: '));
      }
    },
  });
}
