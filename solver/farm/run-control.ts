/**
 * What a run's collaborators (task scheduler, step barrier, limits watch) may ask of the run
 * as a whole. The Run implements it: ending a run means acting on every process, which only
 * the Run does, so the collaborators say what happened and the Run decides what follows.
 */
import type { TaskResult } from '../api.ts';

/** Ways to end a run, as its collaborators see them (RunEnding implements them). */
export interface RunControl {
  /** All the work is done (every task has its result, the last step was reduced): shut down, end `done`. */
  complete(): void;
  /** A race has its first answer: end `done` at once, killing the entrants still solving. */
  raceWon(winner: TaskResult): void;
  /** End the run as failed, saying why (an `error` event and the run's reason). */
  fail(reason: string): void;
  /** An ending run ends here if every process is gone. */
  maybeEnd(): void;
}
