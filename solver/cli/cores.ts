/**
 * `--cores` of every command that starts solver processes (run, resume, serve, worker): checked
 * against this machine's cap before anything loads or starts, so a number too big is one line
 * and exit 2, not the farm's RangeError with a stack.
 */
import { availableParallelism } from 'node:os';
import { tooManyCores } from '../farm/core-limit.ts';
import { UserError } from './errors.ts';

/** The solver processes `--cores` asks for (default: every core); a UserError above the cap. */
export function coresOption(given: number | undefined): number {
  const cores = given ?? availableParallelism();
  const why = tooManyCores(cores);
  // A worker lends the same ~50 MB Node processes on the same cores, so the same cap holds.
  if (why !== null) throw new UserError(`--cores ${cores}: more solver processes than this machine takes (${why})`);
  return cores;
}
