/**
 * `solver-farm worker --broker amqp[s]://user:password@host/vhost [--cores N]`: lend this
 * machine's cores to farms elsewhere. Starts N solver processes (the same entry the farm
 * uses), takes task batches from the broker and sends results back, until Ctrl-C (stop at
 * once: unfinished batches go back to the queue) or SIGTERM (take no more, let the running
 * batches finish for up to `--grace` seconds, then stop).
 */
import { NodeLauncher } from '../farm/node-launcher.ts';
import { SOLVER_PRIORITIES, type SolverPriorityName, withPriority } from '../farm/priority-launcher.ts';
import { BrokerError } from '../remote/broker-url.ts';
import { RemoteWorker } from '../remote/worker.ts';
import { coresOption } from './cores.ts';
import { EXIT, UserError } from './errors.ts';
import { formatGrace, graceMs, stopLadder } from './stop-signals.ts';

/** Options of `worker` as parsed by commander. */
export interface WorkerOptions {
  broker: string;
  cores?: number;
  /** OS priority of the solver processes; default below normal (the machine's own user comes first). */
  priority?: SolverPriorityName;
  /** Seconds a SIGTERM lets running batches finish before the solvers are stopped (default 10). */
  grace?: number;
}

/** Run the worker until interrupted (or refused by the broker); resolves with the exit code. */
export async function workerCommand(
  options: WorkerOptions,
  io: { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown } } = process,
): Promise<number> {
  const cores = coresOption(options.cores);
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
      cores,
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
  const ladder = stopLadder({
    graceMs: graceMs(options.grace),
    firstInterrupt: 'force',
    actions: {
      drain(_signal, grace) {
        io.stdout.write(
          `${stamp()} SIGTERM: draining running tasks for up to ${formatGrace(grace ?? 0)}, then stopping them\n`,
        );
        void worker.drain().then(wake, wake);
      },
      force(cause) {
        if (cause === 'grace') io.stdout.write(`${stamp()} grace period over\n`);
        wake();
      },
      exit: wake,
    },
  });
  await stopped;
  // After this, a signal has its default effect again: a third one ends the process at once.
  ladder.dispose();
  io.stdout.write(`${stamp()} stopping: unfinished batches go back to the queue\n`);
  await worker.stop(fatal === null ? 'worker stopped (Ctrl-C or SIGTERM)' : 'broker refused the worker');
  if (fatal !== null) {
    io.stderr.write(`solver-farm: ${(fatal as BrokerError).message}\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
