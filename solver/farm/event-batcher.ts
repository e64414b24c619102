/**
 * The one funnel of FarmEvents: everything the farm says goes through here and reaches
 * listeners in batches, at most one batch per `intervalMs` (~60 Hz by default).
 *
 * Coalescing keeps a busy run cheap for every shell:
 * - solver status: per slot, a newer status replaces the pending one while the state and
 *   step are the same (task label churn); a state change is kept as its own event, so
 *   transitions like `barrier` → `stepping` are never lost and stay in order;
 * - log lines: concatenated per solver;
 * - progress: only the latest, built at flush time and placed last;
 * - results: concatenated into one `results` event;
 * - run / step / error events: kept as they are, in order.
 */
import type { FarmEvent, FarmListener, Progress, SolverStatus, TaskResult } from '../api.ts';

export class EventBatcher {
  readonly #intervalMs: number;
  readonly #listeners = new Set<FarmListener>();
  #events: FarmEvent[] = [];
  /** Pending solver event per slot (index into #events), for in-place replacement. */
  #solverAt = new Map<number, number>();
  #logAt = new Map<number, number>();
  #results: TaskResult[] | undefined;
  #progress: (() => Progress | null) | undefined;
  #progressDirty = false;
  #timer: NodeJS.Timeout | undefined;
  #lastFlush = Number.NEGATIVE_INFINITY;
  /** Number of batches delivered so far (for tests and benches). */
  flushes = 0;

  constructor(intervalMs = 16) {
    this.#intervalMs = intervalMs;
  }

  subscribe(listener: FarmListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** A run, step or error event: kept in order. */
  push(event: FarmEvent): void {
    this.#events.push(event);
    this.#schedule();
  }

  solver(status: SolverStatus): void {
    const at = this.#solverAt.get(status.id);
    const pending = at === undefined ? undefined : this.#events[at];
    if (
      at !== undefined &&
      pending?.type === 'solver' &&
      pending.solver.state === status.state &&
      pending.solver.step === status.step
    ) {
      this.#events[at] = { type: 'solver', solver: status };
      return;
    }
    this.#solverAt.set(status.id, this.#events.length);
    this.#events.push({ type: 'solver', solver: status });
    this.#schedule();
  }

  log(solver: number, lines: string[]): void {
    if (lines.length === 0) return;
    const at = this.#logAt.get(solver);
    const pending = at === undefined ? undefined : this.#events[at];
    if (pending?.type === 'log') {
      for (const line of lines) pending.lines.push(line);
      return;
    }
    this.#logAt.set(solver, this.#events.length);
    this.#events.push({ type: 'log', solver, lines: lines.slice() });
    this.#schedule();
  }

  result(result: TaskResult): void {
    if (this.#results === undefined) {
      this.#results = [];
      this.#events.push({ type: 'results', results: this.#results });
      this.#schedule();
    }
    this.#results.push(result);
  }

  /** Where progress comes from; it is built once per flush, when marked changed. */
  setProgressSource(source: (() => Progress | null) | undefined): void {
    this.#progress = source;
  }

  progressChanged(): void {
    if (this.#progressDirty) return;
    this.#progressDirty = true;
    this.#schedule();
  }

  /** Deliver what is pending now (e.g. at the end of a run, before quitting). */
  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const events = this.#events;
    if (this.#progressDirty) {
      this.#progressDirty = false;
      const progress = this.#progress?.();
      if (progress) events.push({ type: 'progress', progress });
    }
    this.#events = [];
    this.#solverAt.clear();
    this.#logAt.clear();
    this.#results = undefined;
    if (events.length === 0) return;
    this.#lastFlush = performance.now();
    this.flushes++;
    for (const listener of this.#listeners) {
      try {
        listener(events);
      } catch (err) {
        // A broken listener must not stop the farm or starve the other listeners.
        console.error('solver-farm: an event listener threw:', err);
      }
    }
  }

  /** Stop the pending timer (the farm is closing). */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, this.#intervalMs - (performance.now() - this.#lastFlush));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, wait);
  }
}
