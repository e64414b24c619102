/**
 * Builds the farm the CLI drives: the real Farm on Node solver processes
 * (child_process.fork). Kept apart so the job file is read before anything is loaded.
 */
import { Farm, type FarmOptions } from '../farm/farm.ts';
import { NodeLauncher } from '../farm/node-launcher.ts';
import { SOLVER_PRIORITIES, type SolverPriorityName } from '../farm/priority-launcher.ts';
import { BrokerWorkers } from '../remote/broker-workers.ts';
import { oneLine, UserError } from './errors.ts';

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
    farmOptions.remote = new BrokerWorkers(options.broker, {
      log: (line) => void process.stderr.write(`broker: ${line}\n`),
    });
  }
  try {
    return new Farm(farmOptions);
  } catch (err) {
    // The Farm checks its options (cores, priority) and throws TypeError/RangeError: here they
    // come from the command line, so they are the user's to fix, not a bug with a stack.
    throw new UserError(oneLine(err));
  }
}
