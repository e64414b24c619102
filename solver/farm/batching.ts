/**
 * What to send next, and how much (DESIGN 'Performance rules'): tasks go in batches, two
 * batches in flight per solver, the next batch to whichever solver finished one. Batch
 * size adapts to the measured task time so a batch holds ~15 ms of work (1..2048 tasks),
 * and shrinks near the end of the queue so the tail is shared across solvers.
 */

/** Batches in flight per solver: one being solved, one waiting, so a solver never idles on a round trip. */
export const BATCHES_IN_FLIGHT = 2;
export const MIN_BATCH = 1;
/**
 * Upper bound of a batch. Not lower: every batch end costs the solver an event-loop turn
 * to read the next one and the parent a round of bookkeeping; at 256 a Wyndor batch was
 * 2.8 ms and those gaps cost ~3% of the solvers' time (bench: 600–680 ms per 100k tasks
 * on 2 cores vs 590–630 with batches sized by TARGET_BATCH_MS alone).
 */
export const MAX_BATCH = 2048;
/** Work per batch the sizer aims at, in ms. */
export const TARGET_BATCH_MS = 15;
/** Before anything was measured: small, so slow tasks spread out at once. */
export const INITIAL_BATCH = 2;
/** Per-task cost in a solver process beyond the solve itself (messaging, bookkeeping), in ms. */
const PER_TASK_OVERHEAD_MS = 0.004;

/**
 * The queue of task indices: a cursor over 0..count-1 (no array of 100k numbers) plus a
 * stack of returned tasks that go out first.
 */
export class TaskQueue {
  readonly count: number;
  #next = 0;
  /** Returned tasks, the one to send next at the end. */
  #returned: number[] = [];

  constructor(count: number, skip?: (index: number) => boolean) {
    this.count = count;
    this.#skip = skip;
  }

  readonly #skip: ((index: number) => boolean) | undefined;

  get remaining(): number {
    return this.count - this.#next + this.#returned.length;
  }

  /** The next index to send without taking it, or -1. */
  peek(): number {
    this.#advance();
    if (this.#returned.length > 0) return this.#returned[this.#returned.length - 1] as number;
    return this.#next < this.count ? this.#next : -1;
  }

  /** Take the next index, or -1 when empty. */
  take(): number {
    if (this.#returned.length > 0) return this.#returned.pop() as number;
    this.#advance();
    return this.#next < this.count ? this.#next++ : -1;
  }

  /** Put tasks back at the FRONT, in their order (they were sent before anything still queued). */
  returnFront(indices: readonly number[]): void {
    for (let k = indices.length - 1; k >= 0; k--) this.#returned.push(indices[k] as number);
  }

  /** Forget everything still queued (graceful terminate). */
  clear(): void {
    this.#next = this.count;
    this.#returned = [];
  }

  #advance(): void {
    const skip = this.#skip;
    if (!skip) return;
    while (this.#next < this.count && skip(this.#next)) this.#next++;
  }
}

/** Chooses batch sizes from the measured time per task. */
export class BatchSizer {
  #perTaskMs = -1;

  /** Feed a measurement: `tasks` tasks took `ms` of solve time in total. */
  observe(tasks: number, ms: number): void {
    if (tasks <= 0) return;
    const sample = ms / tasks + PER_TASK_OVERHEAD_MS;
    // Smooth, but let the first samples count fully so a slow job shrinks batches at once.
    this.#perTaskMs = this.#perTaskMs < 0 ? sample : this.#perTaskMs * 0.8 + sample * 0.2;
  }

  /** Measured ms per task, or -1 before the first measurement. */
  get perTaskMs(): number {
    return this.#perTaskMs;
  }

  /** Size of the next batch with `remaining` tasks queued and `solvers` solvers working. */
  next(remaining: number, solvers: number): number {
    const ideal = this.#perTaskMs < 0 ? INITIAL_BATCH : Math.round(TARGET_BATCH_MS / this.#perTaskMs);
    // Near the end, no solver should hold more than its share of what is left.
    const share = Math.ceil(remaining / (Math.max(1, solvers) * BATCHES_IN_FLIGHT));
    return Math.max(MIN_BATCH, Math.min(MAX_BATCH, ideal, share));
  }
}
