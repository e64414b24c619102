/**
 * `solver-farm`: run a job file on every core from a terminal, or serve the browser-mode
 * control panel. Exit codes: 0 all tasks succeeded, 1 tasks failed or the run was stopped
 * or failed, 2 usage or job error. The commands live in solver/cli/.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { BatchOptions } from './cli/batch-command.ts';
import { EXIT, oneLine, UserError } from './cli/errors.ts';
import type { ResumeOptions } from './cli/resume-command.ts';
import type { RunOptions } from './cli/run-command.ts';
import type { ServeOptions } from './cli/serve-command.ts';
import type { SolveCommandOptions } from './cli/solve-command.ts';
import { DEFAULT_GRACE_S } from './cli/stop-signals.ts';
import type { WorkerOptions } from './cli/worker-command.ts';
import { SOLVER_PRIORITIES } from './farm/priority-launcher.ts';

/** Options of `run` as commander parses them (job file or --batch). */
type RunCliOptions = RunOptions & Omit<BatchOptions, keyof RunOptions> & { batch?: string[] };

function positiveInt(what: string, min: number, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected ${what} from ${min} to ${max}`);
    }
    return n;
  };
}

function positiveNumber(what: string) {
  return (text: string): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected ${what} > 0`);
    return n;
  };
}

/** Seconds from 0 to `max` (a timer cannot wait longer than ~24 days; nobody means more than a day). */
function seconds(max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) {
      throw new InvalidArgumentError(`expected seconds from 0 to ${max}`);
    }
    return n;
  };
}

/** A repeatable option's values, in the order given. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The commander program (exported for tests and help output). */
export function program(): Command {
  const cli = new Command('solver-farm')
    .description('Run LP/MIP sweeps and parallel searches on every core.')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  // Solver processes yield the CPU to interactive work below normal; see priority-launcher.ts.
  const priority = (fallback: string) =>
    new Option('--priority <level>', `OS priority of the solver processes (default: ${fallback})`).choices(
      Object.keys(SOLVER_PRIORITIES),
    );
  // SIGTERM drains for at most this long, then kills the solvers (cli/stop-signals.ts).
  const grace = () =>
    new Option('--grace <sec>', 'on SIGTERM, let running tasks finish for up to this long, then stop them (0: at once)')
      .argParser(seconds(86_400))
      .default(DEFAULT_GRACE_S);
  const engine = () =>
    new Option('-e, --engine <engine>', 'LP/MIP engine (auto picks by model size)').choices(['glpk', 'highs', 'auto']);
  cli
    .command('run')
    .description('run a job file (or model files with --batch); results go to DIR (default: runs/<run id>/)')
    .argument('[job.json]', 'job file (sweep, tsp, batch or custom kind)')
    .option('-c, --cores <n>', 'solver processes to start (default: all cores)', positiveInt('an integer', 1, 1024))
    .option('-o, --out <dir>', 'new or empty folder for the run (default: runs/<run id>/ here)')
    .option('-l, --logs', "stream every core's log lines, tagged [core N]")
    .option('-b, --batch <paths...>', 'instead of a job file: solve these LP/MPS files (folders: searched)')
    .option(
      '--broker <url>',
      'also hand tasks to `solver-farm worker` processes through this RabbitMQ broker: amqp[s]://user:password@host/vhost',
    )
    .addOption(priority('normal'))
    .addOption(grace())
    .addOption(engine())
    .option('--time-limit <sec>', 'batch: time limit per model, seconds', positiveNumber('seconds'))
    .option('--mip-gap <gap>', 'batch: relative MIP gap', positiveNumber('a relative gap'))
    .addOption(new Option('--values <which>', 'batch: variable values to keep').choices(['all', 'nonzero', 'none']))
    .action(async (job: string | undefined, opts: RunCliOptions) => {
      const { batch, engine: eng, timeLimit, mipGap, values, ...common } = opts;
      if (batch !== undefined) {
        if (job !== undefined) throw new UserError(`run: give a job file or --batch, not both (got ${job})`);
        if (common.broker !== undefined) throw new UserError('run: --broker goes with a job file, not with --batch');
        const { batchCommand } = await import('./cli/batch-command.ts');
        const o: BatchOptions = { ...common };
        if (eng !== undefined) o.engine = eng;
        if (timeLimit !== undefined) o.timeLimit = timeLimit;
        if (mipGap !== undefined) o.mipGap = mipGap;
        if (values !== undefined) o.values = values;
        process.exitCode = await batchCommand(batch, o);
        return;
      }
      if (job === undefined) throw new UserError('run: expected a job file (or --batch with model files)');
      if (eng !== undefined || timeLimit !== undefined || mipGap !== undefined || values !== undefined) {
        throw new UserError(
          'run: --engine, --time-limit, --mip-gap and --values go with --batch; a job file sets them itself',
        );
      }
      const { runCommand } = await import('./cli/run-command.ts');
      process.exitCode = await runCommand(job, common);
    });
  cli
    .command('solve')
    .description('solve one LP or MPS file (.gz too) in this process and print the solution')
    .argument('<model>', 'CPLEX LP or MPS file')
    .addOption(engine())
    .option('--time-limit <sec>', 'time limit, seconds', positiveNumber('seconds'))
    .option('--mip-gap <gap>', 'relative MIP gap', positiveNumber('a relative gap'))
    .option('--log', "print the engine's own log to stderr")
    .option('--all', 'print every variable, zeros included')
    .option('--json', 'print JSON')
    .action(async (model: string, opts: SolveCommandOptions) => {
      const { solveCommand } = await import('./cli/solve-command.ts');
      process.exitCode = await solveCommand(model, opts);
    });
  cli
    .command('resume')
    .description('continue a stopped or interrupted run in its folder (only the tasks without a result)')
    .argument('<run-dir>', 'the run folder, e.g. runs/20261122-031500-ab12cd')
    .option('-c, --cores <n>', 'solver processes to start (default: all cores)', positiveInt('an integer', 1, 1024))
    .option('-l, --logs', "stream every core's log lines, tagged [core N]")
    .option('--retry-failed', 'run the failed tasks again too')
    .addOption(priority('normal'))
    .addOption(grace())
    .action(async (dir: string, opts: ResumeOptions) => {
      const { resumeCommand } = await import('./cli/resume-command.ts');
      process.exitCode = await resumeCommand(dir, opts);
    });
  cli
    .command('runs')
    .description('list the runs under runs/ in the current folder (or under --root), newest first')
    .option('-r, --root <dir>', 'folder holding runs/ (default: the current folder)')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { root?: string; json?: boolean }) => {
      const { runsCommand } = await import('./cli/runs-command.ts');
      process.exitCode = await runsCommand(opts);
    });
  cli
    .command('serve')
    .description('serve the browser control panel (prints the URL with its access token)')
    .option('-p, --port <port>', 'TCP port (0 = any free port)', positiveInt('a port', 0, 65535), 8787)
    .option('-H, --host <host>', 'address to listen on', '127.0.0.1')
    .option('-c, --cores <n>', 'solver processes to start (default: all cores)', positiveInt('an integer', 1, 1024))
    .option(
      '--broker <url>',
      'also hand tasks to `solver-farm worker` processes through this RabbitMQ broker: amqp[s]://user:password@host/vhost',
    )
    .addOption(grace())
    .addOption(priority('below-normal, so the page stays responsive while every core solves'))
    .option(
      '--root <dir>',
      'a folder whose files (models, TSPLIB instances) jobs from the page may name; repeat for more (default: this folder)',
      collect,
    )
    .option(
      '--allow-modules <dir>',
      'let jobs from the page load custom kind modules from this folder; repeat for more (default: none)',
      collect,
    )
    .action(async (opts: ServeOptions) => {
      const { serveCommand } = await import('./cli/serve-command.ts');
      process.exitCode = await serveCommand(opts);
    });
  cli
    .command('worker')
    .description("lend this machine's cores to farms elsewhere, through a RabbitMQ broker")
    .requiredOption('-b, --broker <url>', 'amqp[s]://user:password@host/vhost')
    .option('-c, --cores <n>', 'solver processes to start (default: all cores)', positiveInt('an integer', 1, 1024))
    .addOption(priority("below-normal: the machine's own user comes first"))
    .addOption(grace())
    .action(async (opts: WorkerOptions) => {
      const { workerCommand } = await import('./cli/worker-command.ts');
      process.exitCode = await workerCommand(opts);
    });
  return cli;
}

/** Parse `argv` (as process.argv) and run; sets process.exitCode. Never throws. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await program().parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed the message (or the help); map its exit to ours.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (err instanceof UserError) {
      process.stderr.write(`solver-farm: ${oneLine(err)}\n`);
      if (process.env.SOLVER_FARM_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
      process.exitCode = err.exitCode;
    } else {
      // A bug, not a user error: keep the stack so it can be reported.
      process.stderr.write(
        `solver-farm: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = EXIT.failed;
    }
  }
  // The command is over and its files are written: a stray handle (a timer or socket some
  // library left open) must not keep the shell waiting. Unref'd, so a clean exit is not delayed.
  setTimeout(() => process.exit(), 2000).unref();
}
