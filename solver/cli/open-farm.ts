/**
 * Builds the farm the CLI drives: the real Farm on Node solver processes
 * (child_process.fork). Kept apart so run-command only sees FarmApi plus close().
 */
import type { FarmApi } from '../api.ts';
import { Farm } from '../farm/farm.ts';
import { NodeLauncher } from '../farm/node-launcher.ts';

/** A farm the CLI owns: FarmApi plus shutting every solver process down. */
export type ClosableFarm = FarmApi & { close(): Promise<void> };

/** A farm with `cores` solver processes. */
export function openFarm(cores: number): ClosableFarm {
  return new Farm({ launcher: new NodeLauncher(), cores });
}
