/**
 * Throughput and ETA: a rate over a sliding window of samples (the last ~3 s), so the
 * number is steady enough to read but follows a change of pace within seconds.
 */

const WINDOW_MS = 3000;
const SAMPLE_EVERY_MS = 100;

/** The moment a run's progress is taken at, as the task scheduler and the step barrier need it. */
export interface ProgressMoment {
  now: number;
  elapsedMs: number;
  /** Solvers inside a task or step (local and remote). */
  running: number;
  /** The run is not over: an ETA is estimated. */
  active: boolean;
  /** The run ended done: nothing is left (ETA 0). */
  done: boolean;
}

export class RateMeter {
  readonly #startedAt: number;
  #times: number[] = [];
  #counts: number[] = [];

  /** `initial`: items already counted at the start (a resumed run), not part of the rate. */
  constructor(startedAt = performance.now(), initial = 0) {
    this.#startedAt = startedAt;
    this.#times.push(startedAt);
    this.#counts.push(initial);
  }

  /** Items per second, given the running total `count` at time `now`. */
  rate(count: number, now = performance.now()): number {
    const last = this.#times[this.#times.length - 1] ?? this.#startedAt;
    if (now - last >= SAMPLE_EVERY_MS) {
      this.#times.push(now);
      this.#counts.push(count);
      while (this.#times.length > 2 && now - (this.#times[1] as number) >= WINDOW_MS) {
        this.#times.shift();
        this.#counts.shift();
      }
    }
    const t0 = this.#times[0] as number;
    const c0 = this.#counts[0] as number;
    const dt = now - t0;
    if (dt < 50) return 0;
    return ((count - c0) * 1000) / dt;
  }
}

/** Milliseconds left at `rate` items/s, or null when it cannot be estimated. */
export function etaMs(remaining: number, rate: number): number | null {
  if (remaining <= 0) return 0;
  if (!(rate > 0)) return null;
  return Math.round((remaining / rate) * 1000);
}
