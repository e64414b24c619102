/**
 * The barrier of a step job (DESIGN 'Job kinds': tsp): step k goes to every live slot (local
 * and remote) with the same input; step k+1 goes out only when every slot still in the game
 * delivered step k and `reduce` ran. A solver lost mid-step is replaced and re-runs step k
 * with the same input; a retired slot, or a remote one that was lost or left, is not waited for.
 */
import type { Progress, SolverStatus, StepSummary } from '../api.ts';
import type { AnyProblemKind, StepPlan } from '../problems/types.ts';
import type { ProgressMoment } from './progress.ts';
import type { RemoteLink } from './remote-port.ts';
import type { RunControl } from './run-control.ts';
import type { RunLifecycle } from './run-lifecycle.ts';
import type { RunNews } from './run-news.ts';
import type { ResumeSteps } from './run-types.ts';
import type { SolverProcess } from './solver-process.ts';
import type { SolverSlots } from './solver-slots.ts';

/** What the barrier works with. */
export interface StepBarrierSetup {
  plan: StepPlan<unknown>;
  /** Resume: steps done in an earlier run, the input of the next one, the best so far. */
  resume: ResumeSteps | undefined;
  kind: AnyProblemKind;
  spec: unknown;
  slots: SolverSlots;
  life: RunLifecycle;
  news: RunNews;
  control: RunControl;
  remote: RemoteLink | undefined;
}

/** The barrier of one step run (see the file comment). */
export class StepBarrier {
  readonly #s: StepBarrierSetup;
  /** The step being worked on (1-based); 0 before the first. */
  #k = 0;
  #input: unknown;
  /** Step k's outputs by slot. */
  readonly #outputs = new Map<number, unknown>();
  #stepsDone = 0;
  /** Steps done in an earlier run (resume): step stepsBefore + 1 comes first. */
  readonly #stepsBefore: number;
  #stepStartedAt = 0;
  #stepMsTotal = 0;
  #best: number | undefined;
  /** Remote slots sent the current step k: the barrier waits for those still live. */
  readonly #remoteStep = new Set<number>();

  constructor(setup: StepBarrierSetup) {
    this.#s = setup;
    const resumed = setup.resume;
    this.#input = resumed ? resumed.input : setup.plan.initial;
    this.#stepsBefore = resumed?.done ?? 0;
    this.#stepsDone = this.#stepsBefore;
    if (resumed?.best !== undefined) this.#best = resumed.best;
  }

  /** Every step was run and reduced. */
  get allDone(): boolean {
    return this.#stepsDone >= this.#s.plan.steps;
  }

  get stepsDone(): number {
    return this.#stepsDone;
  }

  /** The best objective so far (after the last reduce). */
  get best(): number | undefined {
    return this.#best;
  }

  feedAll(): void {
    for (const slot of this.#s.slots.all) if (slot.process.alive && slot.process.setUp) this.feed(slot.process);
  }

  /** Give a set-up solver the current step (the first feed begins the first step). */
  feed(p: SolverProcess): void {
    if (!this.#s.life.working || !p.takesWork) return;
    if (this.#k === 0) this.#begin(this.#stepsBefore + 1);
    else if (!this.#outputs.has(p.slot) && p.state !== 'stepping') p.sendStep(this.#k, this.#input);
  }

  stepDone(p: SolverProcess, k: number, output: unknown): void {
    if (k !== this.#k || this.#outputs.has(p.slot)) return;
    this.#s.slots.delivered(p);
    this.#outputs.set(p.slot, output);
    p.atBarrier();
    this.check();
  }

  remoteStepDone(slot: number, k: number, output: unknown): void {
    if (k !== this.#k || !this.#remoteStep.has(slot) || this.#outputs.has(slot)) return;
    this.#outputs.set(slot, output);
    this.check();
  }

  /** A remote slot that crashed or left is no longer waited for. */
  remoteSolver(status: SolverStatus): void {
    if (status.state === 'crashed' || status.state === 'stopped') this.check();
  }

  /** Send the current step to every live remote slot that has not had it yet. */
  sendRemote(): void {
    const remote = this.#s.remote;
    if (!remote || this.#k === 0 || !this.#s.life.working) return;
    for (const slot of remote.stepSlots()) {
      if (this.#remoteStep.has(slot) || this.#outputs.has(slot)) continue;
      if (remote.sendStep(slot, this.#k, this.#input)) this.#remoteStep.add(slot);
    }
  }

  /** When every slot still in the game delivered step k: reduce, report, and go on (or complete). */
  check(): void {
    const { plan, life, remote } = this.#s;
    // Not begun, already reduced (a late re-check must not reduce it twice), or being killed.
    if (this.#k === 0 || this.#stepsDone >= this.#k || life.state === 'forcing' || !life.active) return;
    // Remote slots still live, asked first: asking may notice a lost worker (which re-enters
    // here through remoteSolver and may itself complete the barrier).
    const liveRemote = remote && this.#remoteStep.size > 0 ? new Set(remote.stepSlots()) : undefined;
    if (this.#stepsDone >= this.#k || this.#outputs.size === 0) return;
    let expected = 0;
    for (const slot of this.#s.slots.all) {
      if (slot.retired) continue;
      expected++;
      if (!this.#outputs.has(slot.process.slot)) return;
    }
    if (liveRemote) {
      for (const slot of this.#remoteStep) if (liveRemote.has(slot) && !this.#outputs.has(slot)) return;
    }
    if (expected === 0) return;
    const reduced = this.#reduce();
    if (reduced === undefined) return;
    this.#input = reduced.input;
    this.#best = reduced.summary.best;
    this.#stepsDone = this.#k;
    this.#stepMsTotal += performance.now() - this.#stepStartedAt;
    const summary: StepSummary = { ...reduced.summary, steps: plan.steps };
    this.#s.news.step(summary, reduced.input);
    this.#s.news.progressChanged();
    // A graceful stop keeps the step just reduced (a resume goes on from it) and starts no other.
    if (!life.working) return;
    if (this.#k >= plan.steps) {
      for (const slot of this.#s.slots.all) if (slot.process.alive) slot.process.markIdle();
      this.#s.control.complete();
      return;
    }
    this.#begin(this.#k + 1);
  }

  progress(at: ProgressMoment): Progress {
    const n = this.#s.plan.steps;
    const k = this.#k;
    // Slots that still owe step k (stepping, or a replacement on its way to it).
    const working: number[] = [];
    if (at.active && k > 0) {
      for (const slot of this.#s.slots.all)
        if (!slot.retired && !this.#outputs.has(slot.process.slot)) working.push(slot.process.slot);
      for (const slot of this.#remoteStep) if (!this.#outputs.has(slot)) working.push(slot);
    }
    // Rate and ETA from the steps of this session (a resumed run starts with some done).
    const ran = this.#stepsDone - this.#stepsBefore;
    const avg = ran > 0 ? this.#stepMsTotal / ran : 0;
    let eta: number | null;
    if (!at.active) eta = at.done ? 0 : null;
    else eta = ran > 0 ? Math.round(avg * (n - this.#stepsDone)) : null;
    const p: Progress = {
      total: null,
      done: this.#stepsDone,
      failed: 0,
      running: at.running,
      rate: ran > 0 ? (ran * 1000) / Math.max(1, at.elapsedMs) : 0,
      etaMs: eta,
      step: { k: Math.max(1, Math.min(Math.max(k, this.#stepsDone + 1), n)), n, working },
      elapsedMs: at.elapsedMs,
    };
    if (this.#best !== undefined) p.best = this.#best;
    return p;
  }

  /** Step k's outputs in slot order, reduced; undefined (and the run fails) when that fails. */
  #reduce(): ReturnType<NonNullable<AnyProblemKind['reduce']>> | undefined {
    const { kind, spec, control } = this.#s;
    if (!kind.reduce) {
      control.fail(`job kind "${kind.kind}" has barrier steps but no reduce()`);
      return undefined;
    }
    const outputs = [...this.#outputs.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([solver, output]) => ({ solver, output }));
    try {
      return kind.reduce(this.#k, outputs, spec);
    } catch (err) {
      control.fail(`reduce after step ${this.#k} failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  #begin(k: number): void {
    this.#k = k;
    this.#outputs.clear();
    this.#remoteStep.clear();
    this.#stepStartedAt = performance.now();
    for (const slot of this.#s.slots.all) {
      const p = slot.process;
      if (p.alive && p.setUp && !slot.retired) p.sendStep(k, this.#input);
    }
    this.sendRemote();
    this.#s.news.progressChanged();
  }
}
