/**
 * `solver-farm worker --broker amqp[s]://user:password@host/vhost [--cores N]`: lend this
 * machine's cores to farms elsewhere. Starts N solver processes (the same entry the farm
 * uses), takes task batches from the broker and sends results back, until Ctrl-C or SIGTERM.
 */
import os from 'node:os';
import { NodeLauncher } from '../farm/node-launcher.ts';
import { SOLVER_PRIORITIES, type SolverPriorityName, withPriority } from '../farm/priority-launcher.ts';
import { BrokerError } from '../remote/broker-url.ts';
import { RemoteWorker } from '../remote/worker.ts';
import { EXIT, UserError } from './errors.ts';

/** Options of `worker` as parsed by commander. */
export interface WorkerOptions {
  broker: string;
  cores?: number;
  /** OS priority of the solver processes; default below normal (the machine's own user comes first). */
  priority?: SolverPriorityName;
}

/** Run the worker until interrupted (or refused by the broker); resolves with the exit code. */
export async function workerCommand(
  options: WorkerOptions,
  io: { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown } } = process,
): Promise<number> {
  const stamp = (): string => new Date().toISOString().slice(11, 19);
  let fatal: BrokerError | null = null;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    wake = resolve;
  });
  let worker: RemoteWorker;
  try {
    worker = new RemoteWorker({
      url: options.broker,
      cores: options.cores ?? os.availableParallelism(),
      // A lent machine is usually somebody's: its solvers yield to what they are doing.
      launcher: withPriority(new NodeLauncher(), SOLVER_PRIORITIES[options.priority ?? 'below-normal']),
      log: (line) => io.stdout.write(`${stamp()} ${line}\n`),
      onFatal: (error) => {
        fatal = error;
        wake();
      },
    });
    await worker.start();
  } catch (err) {
    if (err instanceof BrokerError) throw new UserError(err.message, EXIT.failed);
    throw err;
  }
  const stop = (): void => wake();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await stopped;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  io.stdout.write(`${stamp()} stopping: unfinished batches go back to the queue\n`);
  await worker.stop(fatal === null ? 'worker stopped (Ctrl-C or SIGTERM)' : 'broker refused the worker');
  if (fatal !== null) {
    io.stderr.write(`solver-farm: ${(fatal as BrokerError).message}\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
