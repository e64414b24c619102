/**
 * Builds the farm the CLI drives: the real Farm on Node solver processes
 * (child_process.fork). Kept apart so the job file is read before anything is loaded.
 */
import { Farm, type FarmOptions } from '../farm/farm.ts';
import { NodeLauncher } from '../farm/node-launcher.ts';
import { SOLVER_PRIORITIES, type SolverPriorityName } from '../farm/priority-launcher.ts';

/** What the farm of one CLI command needs. */
export interface CliFarmOptions {
  cores: number;
  /** RabbitMQ broker: remote workers share its tasks; connection news go to stderr. */
  broker?: string | undefined;
  /** OS priority of the solver processes (`--priority`); default normal. */
  priority?: SolverPriorityName | undefined;
}

/** A farm with `cores` solver processes (FarmApi, start() hooks for the journal, close()). */
export function openFarm(options: CliFarmOptions): Farm {
  const farmOptions: FarmOptions = {
    launcher: new NodeLauncher(),
    cores: options.cores,
    solverPriority: SOLVER_PRIORITIES[options.priority ?? 'normal'],
  };
  if (options.broker !== undefined) {
    farmOptions.broker = options.broker;
    farmOptions.onBrokerLog = (line: string): void => void process.stderr.write(`broker: ${line}\n`);
  }
  return new Farm(farmOptions);
}
