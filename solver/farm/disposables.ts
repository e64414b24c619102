/**
 * Timers and other things to let go of, owned by one object and released in one place: a
 * run's heartbeat, watchdog, setup timers, start gate and shutdown timers all end with the
 * run, whichever way it ends, without a list of clearTimeout calls to keep in step with them.
 * After `dispose()`, nothing new is armed: a late event of a run that is over starts no timer.
 */

/** A timer that can be called off (a no-op once it fired or was released). */
export interface Cancellable {
  cancel(): void;
}

/** Options of a timer. */
export interface TimerOptions {
  /**
   * Let the process exit while the timer waits (Node's `unref`). Off by default: a timer that
   * ends a run must fire even when nothing else keeps the event loop alive.
   */
  unref?: boolean;
}

const NOTHING: Cancellable = { cancel() {} };

/** Owns timers and release callbacks; `dispose()` releases all of them, once. */
export class Disposables {
  readonly #release = new Set<() => void>();
  #disposed = false;

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Run `fn` once after `ms`, unless cancelled or disposed first. */
  timeout(ms: number, fn: () => void, options: TimerOptions = {}): Cancellable {
    if (this.#disposed) return NOTHING;
    const release = (): void => clearTimeout(timer);
    const timer = setTimeout(() => {
      this.#release.delete(release);
      fn();
    }, ms);
    if (options.unref === true) timer.unref();
    return this.#own(release);
  }

  /** Run `fn` every `ms` until cancelled or disposed. */
  interval(ms: number, fn: () => void, options: TimerOptions = {}): Cancellable {
    if (this.#disposed) return NOTHING;
    const timer = setInterval(fn, ms);
    if (options.unref === true) timer.unref();
    return this.#own(() => clearInterval(timer));
  }

  /** Resolves after `ms` (never, once disposed: whoever waits is racing the end anyway). */
  delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.timeout(ms, resolve, { unref: true }));
  }

  /** Call `release` at dispose (at once when already disposed). */
  add(release: () => void): Cancellable {
    if (this.#disposed) {
      release();
      return NOTHING;
    }
    return this.#own(release);
  }

  /** Release everything, in the order it was added; later calls do nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const all = [...this.#release];
    this.#release.clear();
    for (const release of all) release();
  }

  #own(release: () => void): Cancellable {
    this.#release.add(release);
    return {
      cancel: () => {
        if (this.#release.delete(release)) release();
      },
    };
  }
}
