/**
 * "Deliver the exit once" (SolverHandle.onExit's contract), for every SolverHandle: a process
 * can be seen to end more than once (Electron's 'exit' and app 'child-process-gone'; a warm
 * pool's `released` and a later real exit) and before anyone listens (a spawn failure).
 */
import type { SolverExit } from './launcher.ts';

/** Holds how a process ended and hands it to the one exit listener, exactly once. */
export class OnceExit {
  #exit: SolverExit | undefined;
  #listener: ((exit: SolverExit) => void) | undefined;
  #delivered = false;

  /** How the process ended, once it did. */
  get exit(): SolverExit | undefined {
    return this.#exit;
  }

  get ended(): boolean {
    return this.#exit !== undefined;
  }

  /** The process ended: the first call counts (later ones return false), delivered at once if heard. */
  end(exit: SolverExit): boolean {
    if (this.#exit !== undefined) return false;
    this.#exit = exit;
    this.#deliver();
    return true;
  }

  /**
   * The exit listener. An exit that happened before is delivered in a microtask, never inside
   * this call: a listener set in a constructor must not hear the end before the object exists.
   */
  listen(listener: (exit: SolverExit) => void): void {
    this.#listener = listener;
    if (this.#exit !== undefined) queueMicrotask(() => this.#deliver());
  }

  #deliver(): void {
    const exit = this.#exit;
    const listener = this.#listener;
    if (this.#delivered || exit === undefined || listener === undefined) return;
    this.#delivered = true;
    listener(exit);
  }
}
