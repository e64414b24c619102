/**
 * How the farm starts one solver process. The farm only sees SolverHandle, so the Node
 * launcher (child_process.fork: CLI, serve, tests) and the Electron launcher
 * (utilityProcess.fork, in electron/) are interchangeable.
 */
import type { FromSolver, ToSolver } from '../protocol.ts';

/** How a solver process ended. `reason` is plain words for the UI ("killed by SIGKILL"). */
export interface SolverExit {
  code: number | null;
  signal: string | null;
  reason: string;
}

/** One running solver process. Every callback is set once, right after launch. */
export interface SolverHandle {
  /** OS pid once known (Electron's utilityProcess knows it only after spawn). */
  readonly pid: number | undefined;
  post(message: ToSolver): void;
  onMessage(listener: (message: FromSolver) => void): void;
  /** Called exactly once, however the process ended (exit, crash, kill). */
  onExit(listener: (exit: SolverExit) => void): void;
  /** Raw stdout/stderr text of the process, when the launcher pipes it. */
  onOutput(listener: (stream: 'stdout' | 'stderr', text: string) => void): void;
  /** Kill the process now (SIGKILL or the platform's equivalent). */
  kill(): void;
}

/** Starts solver processes; `slot` is the solver's stable number (0..N-1). */
export interface SolverLauncher {
  launch(slot: number): SolverHandle;
}
