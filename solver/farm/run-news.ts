/**
 * Everything a run says goes out here: to its observer (the run journal) first, synchronously,
 * then as FarmEvents through the EventBatcher. An observer that throws never breaks the run:
 * its failure becomes one `RecorderError` event per run, or, for an Error named
 * `RecorderWarning`, a warning passed on as it is.
 */
import type { FarmEvent, SerializedError, SolverStatus, StepSummary, TaskResult } from '../api.ts';
import type { EventBatcher } from './event-batcher.ts';
import type { RunEnd, RunObserver } from './run-types.ts';

/** One run's way out: observer first, then events. */
export class RunNews {
  readonly #events: EventBatcher;
  readonly #observer: RunObserver | undefined;
  #observerFailed = false;

  constructor(events: EventBatcher, observer: RunObserver | undefined) {
    this.#events = events;
    this.#observer = observer;
  }

  /** A task's one result (hot path: no allocation beyond the result itself). */
  result(result: TaskResult): void {
    const observer = this.#observer;
    if (observer !== undefined) {
      try {
        observer.result(result);
      } catch (err) {
        this.#observerThrew(err);
      }
    }
    this.#events.result(result);
  }

  log(solver: number, lines: string[]): void {
    if (lines.length === 0) return;
    const observer = this.#observer;
    if (observer !== undefined) {
      try {
        observer.log(solver, lines);
      } catch (err) {
        this.#observerThrew(err);
      }
    }
    this.#events.log(solver, lines);
  }

  /** A barrier step ended; `next` is the input of the step after it. */
  step(summary: StepSummary, next: unknown): void {
    try {
      this.#observer?.step(summary, next);
    } catch (err) {
      this.#observerThrew(err);
    }
    this.push({ type: 'step', summary });
  }

  /** The observer hears how the run ended (no event: the run's own `run` event says it). */
  finish(end: RunEnd): void {
    try {
      this.#observer?.finish(end);
    } catch (err) {
      this.#observerThrew(err);
    }
  }

  error(error: SerializedError, solver?: number): void {
    this.push(solver === undefined ? { type: 'error', error } : { type: 'error', error, solver });
  }

  solver(status: SolverStatus): void {
    this.#events.solver(status);
  }

  /** Progress is rebuilt at the next delivery. */
  progressChanged(): void {
    this.#events.progressChanged();
  }

  push(event: FarmEvent): void {
    this.#events.push(event);
  }

  #observerThrew(err: unknown): void {
    // News that is not a failure to record (a solver's log file stopped): passed on as it is.
    if (err instanceof Error && err.name === 'RecorderWarning') {
      this.error({ name: 'RecorderWarning', message: err.message });
      return;
    }
    // Once per run: a broken disk would otherwise flood the event stream.
    if (this.#observerFailed) return;
    this.#observerFailed = true;
    const message = err instanceof Error ? err.message : String(err);
    this.error({ name: 'RecorderError', message: `recording the run failed: ${message}` });
  }
}
