/**
 * `solver-farm serve`: the browser-mode control panel. Loads the server on demand (so
 * `run` never pays for it), prints its URL (with the access token) and runs until
 * Ctrl-C or SIGTERM, then closes the server and its solver processes.
 */
import { SOLVER_PRIORITIES, type SolverPriorityName } from '../farm/priority-launcher.ts';
import { UserError } from './errors.ts';

/** Options of `serve` as parsed by commander. */
export interface ServeOptions {
  port: number;
  host: string;
  cores?: number;
  /** RabbitMQ broker URL: remote workers share the runs' tasks. */
  broker?: string;
  /** OS priority of the solver processes; default below normal (the page stays responsive). */
  priority?: SolverPriorityName;
}

/** Serve until interrupted; resolves with the exit code. */
export async function serveCommand(
  options: ServeOptions,
  io: { stdout: { write(text: string): unknown } } = process,
): Promise<number> {
  const { serve } = await import('../serve/index.ts');
  let server: Awaited<ReturnType<typeof serve>>;
  try {
    // Runs started from the browser are recorded like `run`'s: runs/<run id>/ here.
    const dataDir = process.cwd();
    server = await serve({
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
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  io.stdout.write('Stopping the server…\n');
  await server.close();
  return 0;
}
