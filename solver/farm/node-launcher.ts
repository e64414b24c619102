/**
 * The Node launcher: one solver process per slot through `child_process.fork`, used by
 * the CLI, browser mode and the tests. The Electron shell has its own launcher on top of
 * `utilityProcess`; the farm cannot tell them apart (see launcher.ts).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromSolver, ToSolver } from '../protocol.ts';
import type { SolverExit, SolverHandle, SolverLauncher } from './launcher.ts';
import { OnceExit } from './once-exit.ts';

/** The one entry of every solver process, beside this folder. */
export const DEFAULT_SOLVER_ENTRY = fileURLToPath(new URL('../solver-process/main.ts', import.meta.url));

/** Options of the Node launcher. */
export interface NodeLauncherOptions {
  /** Script the process runs; defaults to solver/solver-process/main.ts (tests use crashing entries). */
  entry?: string | URL;
  /**
   * Node flags of the solver process. Defaults to none at all: inheriting the parent's
   * flags (a test runner's loaders, an inspector port) would break or slow the solvers.
   */
  execArgv?: string[];
  /** Environment of the solver process; defaults to the parent's. */
  env?: NodeJS.ProcessEnv;
}

/** Plain words for how a process ended. */
export function describeExit(code: number | null, signal: string | null): string {
  if (signal !== null) return `killed by ${signal}`;
  if (code !== null) return `exited with code ${code}`;
  return 'exited';
}

/** Starts solver processes with `child_process.fork` (JSON serialization: fastest for our payloads). */
export class NodeLauncher implements SolverLauncher {
  readonly entry: string;
  readonly #execArgv: string[];
  readonly #env: NodeJS.ProcessEnv | undefined;

  constructor(options: NodeLauncherOptions = {}) {
    const entry = options.entry ?? DEFAULT_SOLVER_ENTRY;
    this.entry = entry instanceof URL ? fileURLToPath(entry) : entry;
    this.#execArgv = options.execArgv ?? [];
    this.#env = options.env;
  }

  launch(slot: number): SolverHandle {
    const child = fork(this.entry, [], {
      serialization: 'json',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: this.#execArgv,
      env: { ...(this.#env ?? process.env), SOLVER_FARM_SLOT: String(slot) },
    });
    return new NodeSolverHandle(child);
  }
}

/** A forked solver process behind the SolverHandle contract. */
class NodeSolverHandle implements SolverHandle {
  readonly #child: ChildProcess;
  #messageListener: ((message: FromSolver) => void) | undefined;
  #outputListener: ((stream: 'stdout' | 'stderr', text: string) => void) | undefined;
  readonly #exit = new OnceExit();
  /** Messages or output that arrived before a listener was set (set "right after launch"). */
  #early: FromSolver[] = [];

  constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message) => {
      if (this.#messageListener) this.#messageListener(message as FromSolver);
      else this.#early.push(message as FromSolver);
    });
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => this.#outputListener?.('stdout', text));
    child.stderr?.on('data', (text: string) => this.#outputListener?.('stderr', text));
    // 'close' (not 'exit') fires after the IPC channel and stdio drained, so every message
    // the process sent before dying has been delivered before onExit.
    child.on('close', (code, signal) => this.#exit.end({ code, signal, reason: describeExit(code, signal) }));
    child.on('error', (err) => {
      // A spawn failure emits 'error' and possibly no 'close'.
      if (child.pid === undefined)
        this.#exit.end({ code: null, signal: null, reason: `failed to start: ${err.message}` });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  post(message: ToSolver): void {
    if (!this.#child.connected) return; // dead or dying: the exit path will account for it
    this.#child.send(message, (err) => {
      // EPIPE and friends: the process is gone; its exit is reported through onExit.
      void err;
    });
  }

  onMessage(listener: (message: FromSolver) => void): void {
    this.#messageListener = listener;
    const early = this.#early;
    this.#early = [];
    for (const m of early) listener(m);
  }

  onExit(listener: (exit: SolverExit) => void): void {
    this.#exit.listen(listener);
  }

  onOutput(listener: (stream: 'stdout' | 'stderr', text: string) => void): void {
    this.#outputListener = listener;
  }

  kill(): void {
    if (!this.#exit.ended) this.#child.kill('SIGKILL');
  }
}
