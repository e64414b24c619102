/**
 * The independent tasks of a run (DESIGN 'Performance rules'): which task has its result
 * (one byte per task), what goes to which solver (batches of plan indices, two in flight per
 * solver, sized by the BatchSizer, after the start gate), results coming back in columns,
 * retries of tasks whose solver crashed, the culprit of a limit kill, races, and the share of
 * remote workers. Exactly one result per task: a result for a task that has one is ignored.
 */
import type { Progress, SerializedError, TaskResult } from '../api.ts';
import type { TaskPlan } from '../problems/types.ts';
import type { ResultRows } from '../protocol.ts';
import { BATCHES_IN_FLIGHT, BatchSizer, TaskQueue } from './batching.ts';
import type { Disposables } from './disposables.ts';
import type { SolverExit } from './launcher.ts';
import type { LimitKill, LimitsWatch } from './limits-watch.ts';
import { etaMs, type ProgressMoment, RateMeter } from './progress.ts';
import type { RemoteLink } from './remote-port.ts';
import type { ResultFactory } from './result-factory.ts';
import type { RunControl } from './run-control.ts';
import type { RunLifecycle } from './run-lifecycle.ts';
import type { RunNews } from './run-news.ts';
import type { FinishedCounts } from './run-types.ts';
import type { Batch, SolverProcess } from './solver-process.ts';
import type { SolverSlots } from './solver-slots.ts';
import { StartGate } from './start-gate.ts';

/** What the scheduler works with. */
export interface TaskSchedulerSetup {
  plan: TaskPlan<unknown>;
  /** Resume: per plan index, 1 = done and 2 = failed in an earlier run (not run again). */
  finished: Uint8Array | undefined;
  /** With `finished`: its counts; the scheduler then owns that array (no copy, no walk over it). */
  finishedCounts: FinishedCounts | undefined;
  /** The run has limits: tasks a limit kill left under suspicion travel alone. */
  limited: boolean;
  maxTaskRetries: number;
  startedAt: number;
  results: ResultFactory;
  slots: SolverSlots;
  life: RunLifecycle;
  news: RunNews;
  limits: LimitsWatch;
  control: RunControl;
  timers: Disposables;
  /** Remote workers share the queue (never in a race). */
  remote: RemoteLink | undefined;
}

/** The tasks of one task run (see the file comment). */
export class TaskScheduler {
  readonly #s: TaskSchedulerSetup;
  readonly #plan: TaskPlan<unknown>;
  /** 0 = no result yet, 1 = done, 2 = failed. One byte per task: memory stays flat. */
  readonly #finished: Uint8Array;
  /** Times a task was in flight on a process that died. */
  readonly #attempts: Uint8Array;
  /** Tasks under suspicion of a limit (see limitKilled): they travel alone, like charged ones. */
  readonly #alone: Uint8Array;
  readonly #queue: TaskQueue;
  readonly #sizer = new BatchSizer();
  readonly #gate: StartGate;
  readonly #rate: RateMeter;
  readonly #race: boolean;
  readonly #remote: RemoteLink | undefined;
  #batchSeq = 0;
  #done = 0;
  #failed = 0;

  constructor(setup: TaskSchedulerSetup) {
    this.#s = setup;
    const plan = setup.plan;
    const count = plan.count;
    this.#plan = plan;
    const earlier = setup.finished;
    if (earlier && earlier.length !== count) {
      throw new Error(`resume: the run has ${count} tasks but ${earlier.length} were given as finished`);
    }
    const counts = setup.finishedCounts;
    if (earlier && counts) {
      // Ours now, counted by whoever made it: a resumed plan may have 10^8 tasks, and copying
      // and counting them would keep the event loop (status) waiting.
      this.#finished = earlier;
      this.#done = counts.done;
      this.#failed = counts.failed;
    } else if (earlier) {
      this.#finished = earlier.slice();
      const finished = this.#finished;
      let done = 0;
      let failed = 0;
      for (let i = 0; i < count; i++) {
        const f = finished[i];
        if (f === 1) done++;
        else if (f === 2) failed++;
      }
      this.#done = done;
      this.#failed = failed;
    } else this.#finished = new Uint8Array(count);
    this.#attempts = new Uint8Array(count);
    this.#alone = new Uint8Array(setup.limited ? count : 0);
    const finished = this.#finished;
    this.#queue = new TaskQueue(count, earlier ? (i) => finished[i] !== 0 : undefined);
    this.#race = plan.race === true;
    this.#remote = this.#race ? undefined : setup.remote;
    this.#rate = new RateMeter(setup.startedAt, this.#done + this.#failed);
    this.#gate = new StartGate(
      setup.startedAt,
      setup.timers,
      () => setup.slots.settingUp(),
      () => this.feedAll(),
    );
  }

  /** Every task has its result. */
  get allFinished(): boolean {
    return this.#done + this.#failed >= this.#plan.count;
  }

  isFinished(index: number): boolean {
    return this.#finished[index] !== 0;
  }

  label(index: number): string {
    return this.#plan.label(index);
  }

  /** Nothing more goes out (the run ends). */
  clear(): void {
    this.#queue.clear();
  }

  feedAll(): void {
    for (const slot of this.#s.slots.all) if (slot.process.alive && slot.process.setUp) this.feed(slot.process);
  }

  /** Give a set-up solver work: up to two batches (one in a race), then the remote workers theirs. */
  feed(p: SolverProcess): void {
    if (!this.#s.life.working || !p.takesWork || !this.#gate.pass()) return;
    const queue = this.#queue;
    const finished = this.#finished;
    const attempts = this.#attempts;
    const alone = this.#alone;
    // Tail of a run with remote workers: this solver is idle and the queue is dry, so it
    // takes back remote tasks not answered yet (the first answer counts; see remote-port.ts).
    if (this.#remote && queue.remaining === 0 && p.batches.size === 0) {
      const back = this.#remote.takeBack().filter((i) => finished[i] === 0);
      if (back.length > 0) queue.returnFront(back);
    }
    // A race: one entrant per solver and no prefetch, so no entrant waits behind another.
    const race = this.#race;
    while (p.batches.size < (race ? 1 : BATCHES_IN_FLIGHT) && queue.remaining > 0) {
      // The second batch is a prefetch: not at the cost of a solver that has nothing.
      if (p.batches.size > 0 && queue.remaining <= this.#s.slots.withoutWork(p)) break;
      const first = queue.peek();
      if (first < 0) break;
      // A task that was on a crashed process travels alone until it succeeds, so one
      // poisonous task cannot use up its neighbours' retries.
      const size =
        race || attempts[first] !== 0 || alone[first] === 1
          ? 1
          : this.#sizer.next(queue.remaining, this.#s.slots.live());
      const tasks: number[] = [];
      while (tasks.length < size) {
        const i = queue.peek();
        if (i < 0 || (tasks.length > 0 && (attempts[i] !== 0 || alone[i] === 1))) break;
        queue.take();
        if (finished[i] !== 0) continue;
        tasks.push(i);
      }
      if (tasks.length === 0) continue;
      p.sendBatch({ id: ++this.#batchSeq, tasks, pos: 0 });
    }
    this.feedRemote();
  }

  /** Results of a batch in columns: settle each, then the batch's end, progress, halt, more work. */
  rows(p: SolverProcess, m: ResultRows): void {
    const batch = p.batches.get(m.batch);
    if (!batch) return; // stale: the batch was already accounted for
    const finished = this.#finished;
    const failedBefore = this.#failed;
    const solveMs = this.#s.results.fromRows(m, batch.tasks, p.slot, finished, (result) => this.#settle(result, p));
    const count = m.s.length;
    if (count > 0) {
      this.#sizer.observe(count, solveMs);
      this.#s.slots.delivered(p);
    }
    p.answered(m.batch, m.at + count, m.done);
    if (m.done) {
      // A batch that ended without some results (should not happen): those tasks go back.
      const missing: number[] = [];
      for (const i of batch.tasks) if (finished[i] === 0) missing.push(i);
      if (missing.length > 0 && this.#s.life.working) this.#queue.returnFront(missing);
    }
    this.#s.news.progressChanged();
    if (this.#failed > failedBefore && this.checkHalt()) return;
    if (this.checkComplete()) return;
    this.feed(p);
    if (m.done && p.batches.size === 0 && this.#s.life.state === 'stopping') this.#s.control.maybeEnd();
  }

  /**
   * A crashed process's unfinished tasks go back to the FRONT of the queue, or fail past the
   * retry limit. Only the oldest batch is charged an attempt: a solver works through its
   * batches in order, and a later batch cannot have started before the earlier one
   * reported `done` (that message is sent before the next task starts), so the culprit is
   * in the oldest one. Charged tasks then travel alone (see feed), which isolates it.
   */
  crashed(p: SolverProcess, batches: readonly Batch[], exit: SolverExit): void {
    const back: number[] = [];
    for (const [b, batch] of batches.entries()) {
      if (b === 0) {
        this.#charge(batch.tasks, 0, p.slot, p.reason ?? exit.reason, p, back);
        continue;
      }
      for (const i of batch.tasks) if (this.#finished[i] === 0) back.push(i);
    }
    if (back.length > 0) this.#queue.returnFront(back);
    this.#s.news.progressChanged();
    this.checkHalt();
  }

  /**
   * A remote solver process died in a batch (its worker reports it instead of passing the
   * batch on): the same policy as a local crash. Its tasks from `at` on are charged and come
   * back here, where retried tasks stay (see feedRemote), or fail past the retries.
   */
  remoteCrashed(slot: number, tasks: readonly number[], at: number, reason: string): void {
    if (!this.#s.life.open) return;
    const back: number[] = [];
    const failedBefore = this.#failed;
    this.#charge(tasks, at, slot, reason, undefined, back);
    if (back.length > 0) this.#queue.returnFront(back);
    this.#s.news.progressChanged();
    if (this.#failed > failedBefore && this.checkHalt()) return;
    if (this.checkComplete()) return;
    this.feedAll();
  }

  /**
   * The one crash policy for tasks: each unfinished task of `tasks` from `from` on was in the
   * hands of a solver process that died (solver `slot`, held by `p` when local), so it is
   * charged an attempt; within the retries it goes to `back`, past them it fails as `SolverCrashed`.
   */
  #charge(
    tasks: readonly number[],
    from: number,
    slot: number,
    why: string,
    p: SolverProcess | undefined,
    back: number[],
  ): void {
    const max = this.#s.maxTaskRetries;
    for (let k = Math.max(0, from); k < tasks.length; k++) {
      const i = tasks[k] as number;
      if (this.#finished[i] !== 0) continue;
      const attempts = (this.#attempts[i] as number) + 1;
      this.#attempts[i] = Math.min(255, attempts);
      if (attempts <= max) {
        back.push(i);
        continue;
      }
      this.#settle(
        this.#s.results.failure(i, slot, {
          name: 'SolverCrashed',
          message: `the solver process died ${attempts} times while this task was in its hands (last time solver ${slot}: ${why}); gave up after ${max} retries`,
        }),
        p,
      );
    }
  }

  /**
   * A limit killed `p`: records the task it was for as an error when it surely is the culprit,
   * returns the rest of what `p` held to the queue (not charged: they did nothing wrong; a
   * no-op once the run is ending), and says whether the culprit was recorded.
   */
  limitKilled(p: SolverProcess, kill: LimitKill, batches: readonly Batch[]): boolean {
    // The farm's "current task" is the first one without a result; but a solver sends the
    // results of short tasks in bunches (~16 ms), so it may already be past it, stuck in a
    // later task of the same batch whose predecessors' results died with it. Only when the
    // current task is the last unfinished one of its batch is it surely the culprit (a
    // batch's end is always reported). Otherwise the batch's unfinished tasks run again one
    // by one, so the culprit hits the limit alone and is recorded then.
    const finished = this.#finished;
    const held = batches.find((b) => b.tasks.includes(kill.task as number));
    const unfinished = held ? held.tasks.filter((i) => finished[i] === 0) : [];
    const sure = unfinished.length === 1 && unfinished[0] === kill.task;
    let blamed = false;
    const back: number[] = [];
    for (const batch of batches) {
      for (const i of batch.tasks) {
        if (finished[i] !== 0) continue;
        if (i !== kill.task || !sure) {
          if (batch === held && this.#alone.length > 0) this.#alone[i] = 1;
          back.push(i);
          continue;
        }
        blamed = true;
        this.#fail(i, p, { name: kill.name, message: kill.message });
      }
    }
    if (back.length > 0 && this.#s.life.open) this.#queue.returnFront(back);
    return blamed;
  }

  /** True (and the run is told it is complete) when every task has its result. */
  checkComplete(): boolean {
    if (!this.#s.life.open || !this.allFinished) return false;
    this.#s.control.complete();
    return true;
  }

  /** Hand the remote workers as many batches as they can take (two per remote core). */
  feedRemote(): void {
    const remote = this.#remote;
    if (!remote || !this.#s.life.working) return;
    const queue = this.#queue;
    for (let room = remote.capacity(); room > 0 && queue.remaining > 0; room--) {
      const size = this.#sizer.next(queue.remaining, this.#s.slots.live() + remote.capacity());
      const tasks: number[] = [];
      while (tasks.length < size) {
        const i = queue.peek();
        // Retried or suspect tasks stay local, where crashes and limits are watched.
        if (i < 0 || this.#attempts[i] !== 0 || this.#alone[i] === 1) break;
        queue.take();
        if (this.#finished[i] === 0) tasks.push(i);
      }
      if (tasks.length === 0) return;
      remote.submit(tasks);
    }
  }

  /**
   * Rows of a remote solver, for the batch of plan indices `tasks`: the same columns and the
   * same factory as a local solver's; a task that has its result already is skipped (a batch
   * the broker delivered again, or a task the local solvers took back).
   */
  remoteRows(slot: number, tasks: readonly number[], m: ResultRows): void {
    if (!this.#s.life.active) return;
    const failedBefore = this.#failed;
    this.#s.results.fromRows(m, tasks, slot, this.#finished, (result) => this.#settle(result, undefined));
    this.#s.news.progressChanged();
    if (this.#failed > failedBefore && this.checkHalt()) return;
    if (this.checkComplete()) return;
    this.feedRemote();
  }

  progress(at: ProgressMoment): Progress {
    const total = this.#plan.count;
    const finished = this.#done + this.#failed;
    const rate = this.#rate.rate(finished, at.now);
    return {
      total,
      done: this.#done,
      failed: this.#failed,
      running: at.running,
      rate,
      etaMs: at.active ? etaMs(total - finished, rate) : at.done ? 0 : null,
      elapsedMs: at.elapsedMs,
    };
  }

  /** Task `i`, held by `p`, failed without an answer. */
  #fail(i: number, p: SolverProcess, error: SerializedError): void {
    this.#settle(this.#s.results.failure(i, p.slot, error), p);
  }

  /** A task's one result: mark it finished, count it (run and process), let it out. */
  #settle(result: TaskResult, p: SolverProcess | undefined): void {
    const failed = result.status === 'error';
    this.#finished[result.index] = failed ? 2 : 1;
    if (failed) this.#failed++;
    else this.#done++;
    p?.countResult(failed);
    this.#s.news.result(result);
    // A race ends at its first answer (TaskPlan.race); an error or a time limit is no answer.
    if (this.#race && this.#s.life.open && !failed && result.status !== 'time-limit') this.#s.control.raceWon(result);
  }

  /** After new failures: whether the halt rule ended the run (it fails with the rule's reason). */
  checkHalt(): boolean {
    if (!this.#s.life.open) return false;
    const reason = this.#s.limits.haltReason({ done: this.#done, failed: this.#failed, total: this.#plan.count });
    if (reason === null) return false;
    this.#s.control.fail(reason);
    return true;
  }
}
