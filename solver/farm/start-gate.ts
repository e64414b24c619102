/**
 * The start gate of a task run: its first batches wait until every launched solver is set up,
 * or START_GATE_MS passed since the run started (a slow starter must not hold the others).
 * Without it a short job (the 901 Wyndor LPs take ~50 ms) goes whole to whichever process
 * started first.
 */
import type { Cancellable, Disposables } from './disposables.ts';

/** How long a run's first batches wait for every launched solver to be set up. */
export const START_GATE_MS = 1000;

/** The start gate of one run (see the file comment). */
export class StartGate {
  readonly #startedAt: number;
  readonly #timers: Disposables;
  readonly #settingUp: () => boolean;
  readonly #opened: () => void;
  #open = false;
  #timer: Cancellable | undefined;

  /**
   * `settingUp`: whether some live solver still sets up. `opened`: feed every solver (called
   * when the gate opens; the solver that asked is fed by it too).
   */
  constructor(startedAt: number, timers: Disposables, settingUp: () => boolean, opened: () => void) {
    this.#startedAt = startedAt;
    this.#timers = timers;
    this.#settingUp = settingUp;
    this.#opened = opened;
  }

  /**
   * True once dispatch may begin. The call that opens the gate feeds everyone through `opened`
   * and returns false: the solver that asked was fed by it.
   */
  pass(): boolean {
    if (this.#open) return true;
    const left = START_GATE_MS - (performance.now() - this.#startedAt);
    if (this.#settingUp() && left > 0) {
      this.#timer ??= this.#timers.timeout(left, () => {
        this.#timer = undefined;
        this.#open = true;
        this.#opened();
      });
      return false;
    }
    this.#open = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#opened();
    return false;
  }
}
