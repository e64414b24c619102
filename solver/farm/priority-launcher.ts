/**
 * OS scheduling priority of the solver processes. Solvers are CPU-bound and run one per
 * core, so at normal priority they take the cores from everything else on the machine: the
 * panel's window, the server that feeds it, the analyst's other programs. Below normal, the
 * solvers still get every cycle nobody else wants (no throughput lost on an idle machine),
 * while the interactive work is scheduled first. Measured on a 2-core VM with both cores
 * solving: the panel's p95 frame interval went from 50–67 ms to 33 ms.
 *
 * Applied from the farm's side, as soon as the pid is known: at launch (child_process.fork),
 * or when the process says `ready` (its message carries the pid; Electron's utilityProcess
 * knows its pid only after spawn). So every launcher gets it, and a process's status never
 * shows a pid that still runs at normal priority once it is ready.
 */
import { constants, setPriority } from 'node:os';
import type { FromSolver } from '../protocol.ts';
import type { SolverHandle, SolverLauncher } from './launcher.ts';

/** The levels a user picks from (CLI `--priority`), on Node's `os.setPriority` scale. */
export const SOLVER_PRIORITIES = {
  normal: constants.priority.PRIORITY_NORMAL,
  'below-normal': constants.priority.PRIORITY_BELOW_NORMAL,
  low: constants.priority.PRIORITY_LOW,
} as const;

export type SolverPriorityName = keyof typeof SOLVER_PRIORITIES;

/** Checks a priority on `os.setPriority`'s scale (-20 highest … 19 lowest). */
export function checkSolverPriority(value: number, where: string): number {
  if (!Number.isInteger(value) || value < -20 || value > 19) {
    throw new Error(`${where}: expected a whole number from -20 (highest) to 19 (lowest), got ${value}`);
  }
  return value;
}

/** Sets a process's priority; false when the OS refused (the solver then runs at normal priority). */
export function applyPriority(pid: number, priority: number): boolean {
  try {
    setPriority(pid, priority);
    return true;
  } catch {
    // Lowering one's own child's priority is allowed everywhere we run; a refusal (a
    // sandbox, a process already gone) costs only the courtesy, never the run.
    return false;
  }
}

/**
 * Wraps a launcher so that each process it starts runs at `priority` (from launch, or from
 * `ready`). Priority 0 leaves the launcher as it is: processes inherit this one's priority
 * (setting 0 would be refused anyway where this process itself runs lowered).
 */
export function withPriority(launcher: SolverLauncher, priority: number): SolverLauncher {
  if (priority === 0) return launcher;
  return {
    launch(slot: number): SolverHandle {
      const handle = launcher.launch(slot);
      let applied = handle.pid !== undefined && applyPriority(handle.pid, priority) ? handle.pid : undefined;
      return {
        get pid() {
          return handle.pid;
        },
        post: (message) => handle.post(message),
        onMessage(listener: (message: FromSolver) => void): void {
          handle.onMessage((message) => {
            if (message.t === 'ready' && applied !== message.pid) {
              applyPriority(message.pid, priority);
              applied = message.pid;
            }
            listener(message);
          });
        },
        onExit: (listener) => handle.onExit(listener),
        onOutput: (listener) => handle.onOutput(listener),
        kill: () => handle.kill(),
      };
    },
  };
}
