/**
 * A solver dies within a second of its farm dying, even mid-solve (DESIGN 'Trust
 * boundaries'). The IPC channel's 'disconnect' covers an idle solver, but a solve blocks
 * the main thread for as long as it lasts (hours, for a hard MIP), so nothing on it can
 * notice. A small thread of its own can: it polls the parent and SIGKILLs the whole process
 * when the parent is gone.
 *
 * Gone means: on POSIX, our parent pid changed (the kernel re-parents orphans to init or a
 * subreaper), which pid reuse cannot fool; anywhere, `kill(ppid, 0)` says ESRCH. Windows
 * never re-parents, and its getppid takes a process snapshot, so there only the signal-0
 * check runs (OpenProcess: cheap). The parent is whoever started us: the farm's process
 * under child_process.fork (CLI, serve, worker), the Electron main process under
 * utilityProcess; both give `process.ppid`.
 *
 * The thread's code is a string (`eval: true`), so the Electron build stays one solver.mjs
 * with no second entry to bundle. It is unref'd: it never keeps an idle process alive.
 * Cost, measured on Linux x64 with Node 24 (2 cores): ~11 MB more private memory per solver
 * process (the thread's own V8 isolate; idle RSS 79 → 95 MB), ~0.1% of a core for the
 * polling, and no change in the time to `ready` (created after it; the thread boots on its
 * own core while setup runs). Cheaper ways to learn of the parent's death need native code
 * (Linux's PR_SET_PDEATHSIG) or a watchdog process per farm, one more process to start under
 * both launchers and to keep track of.
 */
import { Worker } from 'node:worker_threads';

/** How often the thread looks at the parent: well inside the 1 s budget. */
export const PARENT_POLL_MS = 200;

/** Runs on the watch thread (as a script or a module alike): workerData = { ppid, posix, ms }. */
const WATCH_THREAD = `
const { workerData } = process.getBuiltinModule('node:worker_threads');
const { ppid, posix, ms } = workerData;
const gone = () => {
  if (posix && process.ppid !== ppid) return true;
  try {
    process.kill(ppid, 0);
    return false;
  } catch (err) {
    // EPERM: a process of someone else's holds the pid; on POSIX the ppid check decides.
    return err.code === 'ESRCH';
  }
};
setInterval(() => {
  // process.exit() here would end only this thread: the signal ends the whole process.
  if (gone()) process.kill(process.pid, 'SIGKILL');
}, ms);
`;

/**
 * Start the watch thread; returns it (tests stop it). A process started without a parent
 * to watch (ppid 1 already, or none) gets no thread: there is nothing to outlive.
 */
export function watchParent(ms: number = PARENT_POLL_MS): Worker | null {
  const ppid = process.ppid;
  if (!Number.isInteger(ppid) || ppid <= 1) return null;
  const thread = new Worker(WATCH_THREAD, {
    eval: true,
    workerData: { ppid, posix: process.platform !== 'win32', ms },
    env: {},
    // Not the process's own flags: `--input-type=module` would make the code above a module,
    // and a failure here is only reported to the main thread, which a solve may be blocking.
    execArgv: [],
  });
  // A thread that could not start (no memory for an isolate) costs the guarantee, not the
  // solver: say so in the solver's log instead of failing the run as an uncaught error.
  thread.on('error', (err: Error) => process.stderr.write(`solver: parent watch thread failed: ${err.message}\n`));
  thread.unref();
  return thread;
}
