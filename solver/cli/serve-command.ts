/**
 * `solver-farm serve`: the browser-mode control panel. Loads the server on demand (so
 * `run` never pays for it), prints its URL (with the access token) and runs until
 * Ctrl-C or SIGTERM, then closes the server and its solver processes.
 */
import { UserError } from './errors.ts';

/** Options of `serve` as parsed by commander. */
export interface ServeOptions {
  port: number;
  host: string;
  cores?: number;
}

/** Serve until interrupted; resolves with the exit code. */
export async function serveCommand(
  options: ServeOptions,
  io: { stdout: { write(text: string): unknown } } = process,
): Promise<number> {
  const { serve } = await import('../serve/index.ts');
  let server: Awaited<ReturnType<typeof serve>>;
  try {
    server = await serve(
      options.cores === undefined ? { port: options.port, host: options.host } : { ...options, cores: options.cores },
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UserError(
        `port ${options.port} on ${options.host} is in use: pick another with --port (0 = any free port)`,
      );
    if (code === 'EACCES')
      throw new UserError(`not allowed to listen on ${options.host}:${options.port}: use a port above 1023`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new UserError(`cannot listen on host ${options.host}: not an address of this machine`);
    throw err;
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
