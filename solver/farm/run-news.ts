/**
 * Everything a run says goes out here: to its observer (the run journal) first, synchronously,
 * then as FarmEvents through the EventBatcher. An observer that throws never breaks the code
 * that called it: its failure becomes one `RecorderError` event per run, or, for an Error
 * named `RecorderWarning`, a warning passed on as it is. A failure to record also stops the
 * run (`recordingFailed`): every result after it would be lost, since nothing keeps it.
 */
import type { FarmEvent, SerializedError, SolverStatus, StepSummary, TaskResult } from '../api.ts';
import type { EventBatcher } from './event-batcher.ts';
import type { RunEnd, RunObserver } from './run-types.ts';

/** One run's way out: observer first, then events. */
export class RunNews {
  readonly #events: EventBatcher;
  readonly #observer: RunObserver | undefined;
  readonly #recordingFailed: (reason: string) => boolean;
  #observerFailed = false;

  /**
   * `recordingFailed` ends the run because it cannot be recorded any more (RunEnding); it says
   * whether that stopped the run (false: it was over or ending already).
   */
  constructor(
    events: EventBatcher,
    observer: RunObserver | undefined,
    recordingFailed: (reason: string) => boolean = () => false,
  ) {
    this.#events = events;
    this.#observer = observer;
    this.#recordingFailed = recordingFailed;
    observer?.watch?.((err) => this.#observerThrew(err));
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
        // Logs explain a run; the journal is the run: a log that fails does not stop it.
        this.#observerThrew(err, false);
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

  /** `stops`: the failure loses results from now on, so the run must stop (everything but logs). */
  #observerThrew(err: unknown, stops = true): void {
    // News that is not a failure to record (a solver's log file stopped): passed on as it is.
    if (err instanceof Error && err.name === 'RecorderWarning') {
      this.error({ name: 'RecorderWarning', message: err.message });
      return;
    }
    // Once per run: a broken disk would otherwise flood the event stream.
    if (this.#observerFailed) return;
    this.#observerFailed = true;
    const failed = `recording the run failed: ${err instanceof Error ? err.message : String(err)}`;
    const stopped = stops && this.#recordingFailed(failed);
    const error: SerializedError = {
      name: 'RecorderError',
      message: stopped ? `${failed}; the run was stopped` : failed,
    };
    // What happened, for a shell to say what to do (e.g. `journal-full`: make room, then resume).
    const code = codeOf(err);
    if (code !== undefined) error.code = code;
    this.error(error);
  }
}

/** The kebab-case code an error (or the error it wraps) carries, e.g. `journal-full`. */
function codeOf(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[a-z]+(-[a-z]+)*$/.test(code)) return code;
  }
  return undefined;
}
