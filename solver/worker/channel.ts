/**
 * The solver process's side of the farm channel. The same worker runs under Electron's
 * utilityProcess (which gives it `process.parentPort`) and under `child_process.fork`
 * (which gives it `process.send`); nothing else differs (DESIGN 'Process model').
 */
import type { FromSolver, ToSolver } from '../protocol.ts';

/** How the worker talks to the farm. */
export interface WorkerChannel {
  send(message: FromSolver): void;
  onMessage(listener: (message: ToSolver) => void): void;
  /** Resolves once everything sent so far has left the process (before a deliberate exit). */
  drain(): Promise<void>;
}

/** Electron's utilityProcess port, typed just as far as we use it. */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** Opens the channel this process was started with; throws if there is none. */
export function openChannel(): WorkerChannel {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data as ToSolver)),
      // postMessage hands the message to Electron at once; one turn lets it go out.
      drain: () => new Promise((resolve) => setTimeout(resolve, 20)),
    };
  }
  const send = process.send?.bind(process);
  if (!send) {
    throw new Error('solver/worker/main.ts must be started by the farm (no IPC channel: use the CLI or the app)');
  }
  return {
    send: (message) => {
      if (process.connected) send(message);
    },
    onMessage: (listener) => process.on('message', (message) => listener(message as ToSolver)),
    drain: () =>
      new Promise((resolve) => {
        // Messages go out in order: when this empty-callback send completes, all before it did.
        if (!process.connected) return resolve();
        send({ t: 'log', lines: [] } satisfies FromSolver, () => resolve());
      }),
  };
}
