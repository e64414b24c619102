/**
 * Builds the farm the CLI drives: the real Farm on Node solver processes
 * (child_process.fork). Kept apart so the job file is read before anything is loaded.
 */
import { Farm } from '../farm/farm.ts';
import { NodeLauncher } from '../farm/node-launcher.ts';

/** A farm with `cores` solver processes (FarmApi, start() hooks for the journal, close()). */
export function openFarm(cores: number): Farm {
  return new Farm({ launcher: new NodeLauncher(), cores });
}
