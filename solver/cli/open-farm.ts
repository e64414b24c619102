/**
 * Builds the farm the CLI drives: the real Farm on Node solver processes
 * (child_process.fork). Kept apart so the job file is read before anything is loaded.
 */
import { Farm } from '../farm/farm.ts';
import { NodeLauncher } from '../farm/node-launcher.ts';

/**
 * A farm with `cores` solver processes (FarmApi, start() hooks for the journal, close());
 * with a broker, remote workers share its tasks and its connection news go to stderr.
 */
export function openFarm(cores: number, broker?: string): Farm {
  if (broker === undefined) return new Farm({ launcher: new NodeLauncher(), cores });
  const onBrokerLog = (line: string): void => void process.stderr.write(`broker: ${line}\n`);
  return new Farm({ launcher: new NodeLauncher(), cores, broker, onBrokerLog });
}
