/**
 * SolverLauncher over Electron's utilityProcess (DESIGN 'Process model'): one Node process
 * per solver, named `solver-N`, stdout/stderr piped into that solver's log. A process's end
 * is seen through its own 'exit' event and through app 'child-process-gone' (which also
 * says *why*: crashed, killed, oom…); whichever comes first ends the handle, exactly once.
 * Drops into the Farm unchanged: the farm only sees SolverHandle.
 */
import { app, type UtilityProcess, utilityProcess } from 'electron';
import type { SolverExit, SolverHandle, SolverLauncher } from '../solver/farm/launcher.ts';
import { OnceExit } from '../solver/farm/once-exit.ts';
import type { FromSolver, ToSolver } from '../solver/protocol.ts';

/** How long kill() waits for the polite kill before SIGKILL (force-kill budget is 1 s). */
const DEFAULT_KILL_GRACE_MS = 250;

export interface UtilityLauncherOptions {
  /** Absolute path of the built solver entry (solver.mjs), outside the asar archive. */
  entry: string;
  /** Environment of the solver processes (default: the main process's); SOLVER_FARM_SLOT is added. */
  env?: NodeJS.ProcessEnv;
  /** ms between child.kill() and SIGKILL when the process is still there. */
  killGraceMs?: number;
}

/** Is a process with this pid still there? (signal 0 only checks.) */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: the pid now belongs to someone else's process: ours is gone too.
    return false;
  }
}

/** Details of app 'child-process-gone', narrowed to what we read. */
export interface GoneDetails {
  type: string;
  reason: string;
  exitCode: number;
  serviceName?: string;
  name?: string;
}

/** One solver process. Owns its whole lifecycle, with one cleanup path (`#finish`). */
class UtilitySolverHandle implements SolverHandle {
  readonly serviceName: string;
  readonly #child: UtilityProcess;
  readonly #graceMs: number;
  readonly #onDone: (handle: UtilitySolverHandle) => void;
  #messageListener: ((message: FromSolver) => void) | null = null;
  #outputListener: ((stream: 'stdout' | 'stderr', text: string) => void) | null = null;
  readonly #exit = new OnceExit();
  #killRequested = false;
  #fatal: string | null = null;
  #killTimer: NodeJS.Timeout | null = null;

  constructor(child: UtilityProcess, serviceName: string, graceMs: number, onDone: (h: UtilitySolverHandle) => void) {
    this.#child = child;
    this.serviceName = serviceName;
    this.#graceMs = graceMs;
    this.#onDone = onDone;
    child.on('message', (message: FromSolver) => this.#messageListener?.(message));
    for (const stream of ['stdout', 'stderr'] as const) {
      const readable = child[stream];
      if (readable === null) continue;
      readable.setEncoding('utf8');
      readable.on('data', (text: string) => this.#outputListener?.(stream, text));
    }
    child.on('error', (type, location) => {
      this.#fatal = `${type} at ${location}`;
    });
    child.on('exit', (code) => this.#finish({ code, signal: null, reason: this.#exitReason(code) }));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get exited(): boolean {
    return this.#exit.ended;
  }

  post(message: ToSolver): void {
    if (this.#exit.ended) return;
    this.#child.postMessage(message);
  }

  onMessage(listener: (message: FromSolver) => void): void {
    this.#messageListener = listener;
  }

  onOutput(listener: (stream: 'stdout' | 'stderr', text: string) => void): void {
    this.#outputListener = listener;
  }

  onExit(listener: (exit: SolverExit) => void): void {
    // Ended before anyone listened (e.g. failed to launch): still reported, once.
    this.#exit.listen(listener);
  }

  kill(): void {
    if (this.#exit.ended) return;
    this.#killRequested = true;
    this.#child.kill();
    // utilityProcess.kill() is SIGTERM on POSIX; a process stuck in a synchronous solve with
    // a handler for SIGTERM would outlive the force-kill budget, so follow up with SIGKILL.
    this.#killTimer ??= setTimeout(() => {
      const pid = this.#child.pid;
      if (!this.#exit.ended && pid !== undefined && process.platform !== 'win32') {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone between the check and the kill: the exit event will follow.
        }
      }
    }, this.#graceMs);
    this.#killTimer.unref();
  }

  /** app 'child-process-gone' for this process's service name. */
  gone(details: GoneDetails): void {
    const pid = this.#child.pid;
    // A late event about an earlier process of the same slot: this one is still running.
    if (pid !== undefined && isAlive(pid)) return;
    const reason = this.#killRequested ? 'killed on request' : goneReason(details);
    this.#finish({ code: details.exitCode, signal: null, reason });
  }

  #exitReason(code: number): string {
    if (this.#killRequested) return 'killed on request';
    if (this.#fatal !== null) return `fatal error (${this.#fatal}), exit code ${code}`;
    return code === 0 ? 'exited' : `exited with code ${code}`;
  }

  #finish(exit: SolverExit): void {
    if (this.#exit.ended) return;
    if (this.#killTimer !== null) clearTimeout(this.#killTimer);
    this.#onDone(this);
    this.#exit.end(exit);
  }
}

/** Plain words for a child-process-gone reason. */
export function goneReason(details: GoneDetails): string {
  switch (details.reason) {
    case 'clean-exit':
      return details.exitCode === 0 ? 'exited' : `exited with code ${details.exitCode}`;
    case 'abnormal-exit':
      return `exited abnormally (code ${details.exitCode})`;
    case 'killed':
      return 'killed by a signal from outside the app';
    case 'crashed':
      return `crashed (code ${details.exitCode})`;
    case 'oom':
      return 'ran out of memory';
    case 'launch-failed':
      return `failed to launch (code ${details.exitCode})`;
    case 'integrity-failure':
      return 'failed a code integrity check';
    case 'memory-eviction':
      return 'was evicted to free memory';
    default:
      return `${details.reason} (code ${details.exitCode})`;
  }
}

/** Starts solver processes with utilityProcess.fork. Create it after app 'ready'. */
export class UtilityLauncher implements SolverLauncher {
  readonly #options: UtilityLauncherOptions;
  /** Live handles by service name (one per slot at a time). */
  readonly #live = new Map<string, UtilitySolverHandle>();
  readonly #onGone = (_event: unknown, details: GoneDetails): void => {
    if (details.type !== 'Utility') return;
    const name = details.serviceName ?? details.name;
    if (name === undefined) return;
    this.#live.get(name)?.gone(details);
  };

  constructor(options: UtilityLauncherOptions) {
    this.#options = options;
    app.on('child-process-gone', this.#onGone);
  }

  launch(slot: number): SolverHandle {
    const serviceName = `solver-${slot}`;
    const env = { ...(this.#options.env ?? process.env), SOLVER_FARM_SLOT: String(slot) };
    const forkOptions: Electron.ForkOptions = { serviceName, stdio: 'pipe', env };
    const child = utilityProcess.fork(this.#options.entry, [], forkOptions);
    const handle = new UtilitySolverHandle(
      child,
      serviceName,
      this.#options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
      (h) => {
        if (this.#live.get(h.serviceName) === h) this.#live.delete(h.serviceName);
      },
    );
    this.#live.set(serviceName, handle);
    return handle;
  }

  /** Stop listening to app events (the farm kills the processes themselves). */
  dispose(): void {
    app.off('child-process-gone', this.#onGone);
  }
}
