/**
 * `solver-farm runs [--root DIR] [--json]`: the past runs under a folder — those that
 * `solver-farm run` put in `<root>/runs/<run id>/` (the default root is the current folder,
 * like `run`'s default output) — newest first, with status, counts and duration. Runs that
 * were killed show as `interrupted` and can be continued with `solver-farm resume <dir>`.
 */
import { resolve } from 'node:path';
import { formatRunTable, listRuns, runsFolder } from '../journal/history.ts';
import { describeOsError } from '../journal/os-error.ts';
import { UserError } from './errors.ts';

/** Options of `runs` as parsed by commander. */
export interface RunsOptions {
  root?: string;
  json?: boolean;
}

/** Where the command writes; process streams by default (tests may pass others). */
export interface RunsIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Lists the runs; resolves with the exit code (0, or 1 when some run folders are unreadable). */
export async function runsCommand(options: RunsOptions, io: RunsIo = process): Promise<number> {
  const root = resolve(options.root ?? '.');
  let listed: Awaited<ReturnType<typeof listRuns>>;
  try {
    listed = await listRuns(root);
  } catch (err) {
    // A --root that is a file, or a runs/ folder that cannot be read: the user's to fix.
    throw new UserError(
      `--root ${options.root ?? '.'}: cannot list its runs: ${runsFolder(root)}: ${describeOsError(err)}`,
    );
  }
  const { runs, broken } = listed;
  if (options.json === true) {
    io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
  } else {
    io.stdout.write(runs.length === 0 ? `No runs in ${runsFolder(root)}\n` : `${formatRunTable(runs)}\n`);
    const resumable = runs.filter((r) => r.status === 'interrupted' || r.status === 'stopped');
    const first = resumable[0];
    if (first !== undefined) {
      io.stdout.write(`\nContinue an interrupted or stopped run with: solver-farm resume ${first.dir}\n`);
    }
  }
  for (const b of broken) io.stderr.write(`solver-farm: skipped ${b.dir}: ${b.error}\n`);
  return broken.length > 0 ? 1 : 0;
}
