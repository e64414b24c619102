/**
 * The solver process's side of the farm channel. The same entry runs under Electron's
 * utilityProcess (which gives it `process.parentPort`) and under `child_process.fork`
 * (which gives it `process.send`); nothing else differs (DESIGN 'Process model').
 */
import type { FromSolver, ToSolver } from '../protocol.ts';

/** How the solver process talks to the farm. */
export interface SolverChannel {
  send(message: FromSolver): void;
  onMessage(listener: (message: ToSolver) => void): void;
  /** Resolves once everything sent so far has left the process (before a deliberate exit). */
  drain(): Promise<void>;
  /** Resolves once everything sent so far has been written (at once when nothing waits). */
  written(): Promise<void>;
  /**
   * The farm is not reading as fast as this process writes: what is sent now waits in this
   * process's memory, and during a synchronous solve it cannot leave at all (the pipe is
   * written only when the event loop runs). The log capture then holds lines back
   * (log-capture.ts) and the loop waits with written() between tasks.
   */
  readonly congested: boolean;
}

/** Electron's utilityProcess port, typed just as far as we use it. */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** Opens the channel this process was started with; throws if there is none. */
export function openChannel(): SolverChannel {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data as ToSolver)),
      // postMessage hands the message to Electron at once; one turn lets it go out.
      drain: () => new Promise((resolve) => setTimeout(resolve, 20)),
      // Electron moves messages on its own IO thread, also during a synchronous solve.
      written: () => Promise.resolve(),
      congested: false,
    };
  }
  const send = process.send?.bind(process);
  if (!send) {
    throw new Error(
      'solver/solver-process/main.ts must be started by the farm (no IPC channel: use the CLI or the app)',
    );
  }
  // Every send carries a callback, called once its bytes are written (on nextTick when the
  // pipe took them at once), so the process knows what still waits in its memory.
  let unwritten = 0;
  // process.send() returns false once 128 KiB wait unwritten (Node's IPC backlog threshold);
  // from then on the farm counts as behind until everything has been written.
  let congested = false;
  let waiters: (() => void)[] = [];
  const done = (): void => {
    unwritten--;
    if (unwritten > 0) return;
    congested = false;
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  const written = (): Promise<void> =>
    unwritten === 0 || !process.connected ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
  return {
    send: (message) => {
      if (!process.connected) return;
      unwritten++;
      if (!send(message, done)) congested = true;
    },
    onMessage: (listener) => process.on('message', (message) => listener(message as ToSolver)),
    drain: written,
    written,
    get congested() {
      return congested;
    },
  };
}
