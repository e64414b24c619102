/**
 * `solver-farm serve`: the browser-mode control panel. Loads the server on demand (so
 * `run` never pays for it), prints its URL (with the access token) and runs until
 * Ctrl-C or SIGTERM, then closes the server and its solver processes. Ctrl-C closes at once;
 * SIGTERM first lets the active run's running tasks finish for up to `--grace` seconds.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { SOLVER_PRIORITIES, type SolverPriorityName } from '../farm/priority-launcher.ts';
import { coresOption } from './cores.ts';
import { drainFarm } from './drain-farm.ts';
import { UserError } from './errors.ts';
import { formatGrace, graceMs, stopLadder } from './stop-signals.ts';

/** Options of `serve` as parsed by commander. */
export interface ServeOptions {
  port: number;
  host: string;
  cores?: number;
  /** RabbitMQ broker URL: remote workers share the runs' tasks. */
  broker?: string;
  /** OS priority of the solver processes; default below normal (the page stays responsive). */
  priority?: SolverPriorityName;
  /** Seconds a SIGTERM lets the active run's running tasks finish before closing (default 10). */
  grace?: number;
  /** Folders whose files jobs from the page may name (`--root`, repeatable); default the working folder. */
  root?: string[];
  /** Folders custom kind modules from the page may load from (`--allow-modules`, repeatable); default none. */
  allowModules?: string[];
}

/** Each folder an option names, absolute and checked to be a folder (a typo must not widen or empty the rules silently). */
function folders(option: string, given: readonly string[]): string[] {
  return given.map((dir) => {
    // path.resolve('') is the working folder: an empty name (an unset shell variable) would
    // silently expose it.
    if (dir.trim() === '')
      throw new UserError(`${option} ${JSON.stringify(dir)}: expected a folder name, got an empty one`);
    const absolute = path.resolve(dir);
    let isDir = false;
    try {
      isDir = statSync(absolute).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) throw new UserError(`${option} ${dir}: not a folder (${absolute} does not exist or is a file)`);
    return absolute;
  });
}

/** Serve until interrupted; resolves with the exit code. */
export async function serveCommand(
  options: ServeOptions,
  io: { stdout: { write(text: string): unknown } } = process,
): Promise<number> {
  // Checked before the server loads; absent, serve() takes every core.
  if (options.cores !== undefined) coresOption(options.cores);
  const { serve } = await import('../serve/index.ts');
  let server: Awaited<ReturnType<typeof serve>>;
  try {
    // Runs started from the browser are recorded like `run`'s: runs/<run id>/ here.
    const dataDir = process.cwd();
    const roots = folders('--root', options.root ?? [dataDir]);
    const allowModules = folders('--allow-modules', options.allowModules ?? []);
    server = await serve({
      roots,
      allowModules,
      port: options.port,
      host: options.host,
      dataDir,
      ...(options.cores === undefined ? {} : { cores: options.cores }),
      ...(options.broker === undefined ? {} : { broker: options.broker }),
      ...(options.priority === undefined ? {} : { solverPriority: SOLVER_PRIORITIES[options.priority] }),
    });
  } catch (err) {
    // serve() words its own start-up failures for users (port taken, renderer not built…).
    throw new UserError(err instanceof Error ? err.message : String(err));
  }
  io.stdout.write(
    `Solver Farm is serving at ${server.url}\nOpen that URL in a browser (it carries the access token). Press Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    // After this, a signal has its default effect again: a third one ends the process at once.
    const stop = (): void => {
      ladder.dispose();
      resolve();
    };
    const ladder = stopLadder({
      graceMs: graceMs(options.grace),
      firstInterrupt: 'force',
      actions: {
        drain(_signal, grace) {
          io.stdout.write(`SIGTERM: draining running tasks for up to ${formatGrace(grace ?? 0)}, then stopping them\n`);
          void drainFarm(server.farm).then(stop, stop);
        },
        force(cause) {
          if (cause === 'grace') io.stdout.write('Grace period over: killing the solvers…\n');
          stop();
        },
        exit: stop,
      },
    });
  });
  io.stdout.write('Stopping the server…\n');
  await server.close();
  return 0;
}
