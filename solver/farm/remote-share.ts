/**
 * The run's side of the remote link (remote-port.ts): what remote workers say is
 * routed to the collaborator that owns it. Tasks go through the task scheduler (they share
 * its queue), steps through the step barrier (remote slots join it), states and logs out as
 * the run's news. What the run sends the remote workers, each owner sends on the link itself.
 */
import type { SolverStatus } from '../api.ts';
import type { ResultRows } from '../protocol.ts';
import type { RemoteHost } from './remote-port.ts';
import type { RunNews } from './run-news.ts';
import type { StepBarrier } from './step-barrier.ts';
import type { TaskScheduler } from './task-scheduler.ts';

/** The run's work remote workers share: its tasks or its steps. */
export type SharedWork = { tasks: TaskScheduler; steps?: undefined } | { tasks?: undefined; steps: StepBarrier };

/** The RemoteHost of one run: remote news, routed to the owner. */
export class RemoteShare implements RemoteHost {
  readonly #tasks: TaskScheduler | undefined;
  readonly #steps: StepBarrier | undefined;
  readonly #news: RunNews;

  constructor(work: SharedWork, news: RunNews) {
    this.#tasks = work.tasks;
    this.#steps = work.steps;
    this.#news = news;
  }

  remoteRows(slot: number, tasks: readonly number[], rows: ResultRows): void {
    this.#tasks?.remoteRows(slot, tasks, rows);
  }

  remoteCrashed(slot: number, tasks: readonly number[], at: number, reason: string): void {
    this.#tasks?.remoteCrashed(slot, tasks, at, reason);
  }

  isFinished(i: number): boolean {
    return this.#tasks?.isFinished(i) ?? false;
  }

  label(i: number): string {
    return this.#tasks?.label(i) ?? `task ${i}`;
  }

  remoteSolver(status: SolverStatus): void {
    this.#news.solver(status);
    this.#steps?.remoteSolver(status);
  }

  remoteLog(slot: number, lines: string[]): void {
    this.#news.log(slot, lines);
  }

  /** A worker joined: a step job gives its slots the current step at once; tasks go out. */
  remoteCapacity(): void {
    this.#steps?.sendRemote();
    this.#tasks?.feedRemote();
  }

  remoteStepDone(slot: number, k: number, output: unknown): void {
    this.#steps?.remoteStepDone(slot, k, output);
  }
}
