/**
 * Solver slots: one SolverProcess at a time per slot, and what a slot remembers across the
 * processes it had (restarts and counters, deaths before setup, crashes without delivering,
 * retirement). The ONE restart policy lives here (afterCrash), for a farm's run and a remote
 * worker's alike. Questions about the pool as a whole (who is live, who has no work, who is
 * still setting up) are answered here; what to do about them is the owner's business.
 */
import type { SolverStatus } from '../api.ts';
import type { SolverExit, SolverLauncher } from './launcher.ts';
import { type SolverHost, SolverProcess } from './solver-process.ts';

/** Per-slot bookkeeping that outlives the slot's processes (changed only here). */
interface SlotRecord {
  process: SolverProcess;
  /** Consecutive deaths before setup finished. Two in a row retire the slot. */
  earlyDeaths: number;
  /** Consecutive crashes without delivering anything; bounds a crash loop after setup. */
  crashStreak: number;
  /** Left crashed for good (not restarted). */
  retired: boolean;
  /** Why it was retired. */
  retirement?: string;
}

/** A slot as the rest of the run sees it. */
export type Slot = Readonly<SlotRecord>;

/** The slots of one run, each with its current process. */
export class SolverSlots {
  readonly #launcher: SolverLauncher;
  readonly #slots: SlotRecord[] = [];
  /** Hears every process of the run (set at launch). */
  #host: SolverHost | undefined;

  constructor(launcher: SolverLauncher) {
    this.#launcher = launcher;
  }

  /** Start one process per slot, slots 0..count-1, each reporting to `host`. */
  launch(count: number, host: SolverHost): void {
    this.#host = host;
    for (let slot = 0; slot < count; slot++) {
      const process = new SolverProcess(slot, this.#launcher, host, { restarts: 0, tasksDone: 0, tasksFailed: 0 });
      this.#slots.push({ process, earlyDeaths: 0, crashStreak: 0, retired: false });
    }
  }

  get all(): readonly Slot[] {
    return this.#slots;
  }

  /** The slot whose current process is `p`; undefined for a process its slot already replaced. */
  of(p: SolverProcess): Slot | undefined {
    const slot = this.#slots[p.slot];
    return slot?.process === p ? slot : undefined;
  }

  /** `p` finished setup: its slot's early deaths are forgiven. */
  setUp(p: SolverProcess): void {
    const slot = this.#record(p);
    if (slot) slot.earlyDeaths = 0;
  }

  /** `p` delivered something (a result, a step): its slot is not in a crash loop. */
  delivered(p: SolverProcess): void {
    const slot = this.#record(p);
    if (slot) slot.crashStreak = 0;
  }

  /**
   * The restart policy: what the crash of `p` (not asked to go) means for its slot. Returns
   * why the slot is given up on, or undefined when a new process should take its place. Two
   * deaths before setup in a row give it up (a process that cannot start is not restarted in
   * a loop), and so do more crashes in a row without delivering anything than a task is
   * retried (`crashRetries` + 1: past that, no task is to blame, the slot is).
   */
  afterCrash(p: SolverProcess, exit: SolverExit, crashRetries: number): string | undefined {
    const slot = this.#record(p);
    if (slot === undefined) return undefined;
    if (!p.setUp) {
      if (++slot.earlyDeaths < 2) return undefined;
      const tail = p.stderrTail.length > 0 ? `: ${p.stderrTail.slice(-3).join(' | ')}` : '';
      return `died before it was ready twice in a row (${exit.reason})${tail}`;
    }
    const streak = ++slot.crashStreak;
    if (streak <= crashRetries + 1) return undefined;
    return `crashed ${streak} times in a row without finishing anything (last: ${p.reason ?? exit.reason})`;
  }

  /** A new process in the slot of `old`, with its counters. */
  replace(old: SolverProcess): void {
    const slot = this.#record(old);
    if (slot === undefined || this.#host === undefined) return;
    const carry = { restarts: old.restarts + 1, tasksDone: old.tasksDone, tasksFailed: old.tasksFailed };
    slot.process = new SolverProcess(old.slot, this.#launcher, this.#host, carry);
    this.#host.changed(slot.process);
  }

  /** Leave `p`'s slot crashed for good, with the reason shown; false when it already was. */
  retire(p: SolverProcess, reason: string): boolean {
    const slot = this.#slots[p.slot];
    if (slot === undefined || slot.retired) return false;
    slot.retired = true;
    slot.retirement = reason;
    p.markCrashed(reason);
    return true;
  }

  /** Slots not retired. */
  get left(): number {
    let n = 0;
    for (const slot of this.#slots) if (!slot.retired) n++;
    return n;
  }

  /** Why each slot is gone, for the message of a run that has none left. */
  whyGone(): string {
    return this.#slots.map((s) => `solver ${s.process.slot}: ${s.retirement ?? s.process.reason ?? 'gone'}`).join('; ');
  }

  /** Live solvers of slots still in the game. */
  live(): number {
    let n = 0;
    for (const slot of this.#slots) if (!slot.retired && slot.process.alive) n++;
    return n;
  }

  /** Live solvers other than `except` that hold no batch (including ones still starting). */
  withoutWork(except: SolverProcess): number {
    let n = 0;
    for (const slot of this.#slots) {
      const p = slot.process;
      if (p !== except && !slot.retired && p.alive && p.batches.size === 0) n++;
    }
    return n;
  }

  /** Some live solver of a slot still in the game has not finished setup. */
  settingUp(): boolean {
    for (const slot of this.#slots) if (!slot.retired && slot.process.alive && !slot.process.setUp) return true;
    return false;
  }

  /** Some process of the run is still there. */
  anyAlive(): boolean {
    for (const slot of this.#slots) if (slot.process.alive) return true;
    return false;
  }

  /** Solvers inside a task or a step right now. */
  busy(): number {
    let n = 0;
    for (const slot of this.#slots) {
      const state = slot.process.state;
      if (state === 'solving' || state === 'stepping') n++;
    }
    return n;
  }

  statuses(): SolverStatus[] {
    return this.#slots.map((slot) => slot.process.status());
  }

  /** Ask every process to finish what it is doing and go. */
  shutdownAll(): void {
    for (const slot of this.#slots) slot.process.shutdown();
  }

  killAll(): void {
    for (const slot of this.#slots) slot.process.kill();
  }

  #record(p: SolverProcess): SlotRecord | undefined {
    const slot = this.#slots[p.slot];
    return slot?.process === p ? slot : undefined;
  }
}
