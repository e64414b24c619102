/**
 * A warm pool of solver processes (DESIGN 'Process model': the desktop starts one solver
 * per core): processes stay up between runs, idle, with their engines loaded, so a run
 * pays only its `setup`, not process start (~0.25 s a solver) and module loading.
 *
 * It is a SolverLauncher over another launcher, so a Run does not know the difference:
 * `launch(slot)` hands out a lease on an idle process (its `ready` replayed), or starts a
 * new one. A lease turns the run's `shutdown` into `release`: the process finishes its
 * running task, forgets the job and answers `released`; the lease then reports an exit
 * (code 0) to the run and the process goes back to the pool. A kill is a real kill: the
 * process is gone and the pool starts a fresh one next time. close() kills everything.
 */
import type { FromSolver, ToSolver } from '../protocol.ts';
import type { SolverExit, SolverHandle, SolverLauncher } from './launcher.ts';
import { OnceExit } from './once-exit.ts';

type MessageListener = (message: FromSolver) => void;
type ExitListener = (exit: SolverExit) => void;
type OutputListener = (stream: 'stdout' | 'stderr', text: string) => void;

/** The exit a run sees when its process went back to the pool. */
const RELEASED: SolverExit = { code: 0, signal: null, reason: 'returned to the warm pool' };

/** One process of the pool; its handle's callbacks are set once and routed to the current lease. */
class PooledProcess {
  readonly slot: number;
  readonly handle: SolverHandle;
  /** The `ready` message, kept to replay to every lease. */
  ready: FromSolver | undefined;
  exit: SolverExit | undefined;
  lease: Lease | undefined;
  readonly #pool: WarmPool;
  readonly #readyWaiters: (() => void)[] = [];
  readonly #exitWaiters: (() => void)[] = [];

  constructor(slot: number, launcher: SolverLauncher, pool: WarmPool) {
    this.slot = slot;
    this.#pool = pool;
    this.handle = launcher.launch(slot);
    this.handle.onMessage((m) => this.#message(m));
    this.handle.onOutput((stream, text) => this.lease?.output(stream, text));
    this.handle.onExit((exit) => this.#exited(exit));
  }

  /** Resolves once the process said `ready` or died. */
  untilReady(): Promise<void> {
    if (this.ready !== undefined || this.exit !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  /** Resolves once the process is gone. */
  untilExit(): Promise<void> {
    if (this.exit !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.#exitWaiters.push(resolve));
  }

  #message(m: FromSolver): void {
    if (m.t === 'ready') {
      this.ready = m;
      this.#wake();
    }
    const lease = this.lease;
    if (!lease) return; // idle: nothing to say (a stray late message of a past run)
    if (m.t === 'released') {
      this.lease = undefined;
      lease.ended(RELEASED);
      this.#pool.returned(this);
      return;
    }
    lease.message(m);
  }

  #exited(exit: SolverExit): void {
    this.exit = exit;
    this.#wake();
    for (const w of this.#exitWaiters.splice(0)) w();
    this.#pool.gone(this);
    const lease = this.lease;
    this.lease = undefined;
    lease?.ended(exit);
  }

  #wake(): void {
    for (const w of this.#readyWaiters.splice(0)) w();
  }
}

/** What one run holds of a pooled process: the SolverHandle contract, for one run. */
class Lease implements SolverHandle {
  readonly #process: PooledProcess;
  #onMessage: MessageListener | undefined;
  #onOutput: OutputListener | undefined;
  #early: FromSolver[] = [];
  readonly #exit = new OnceExit();
  #releaseSent = false;

  constructor(process: PooledProcess) {
    this.#process = process;
    // An idle process said `ready` long ago: say it again, for this run, after launch()
    // returned (as a new process would), so the run has registered it by then.
    const ready = process.ready;
    if (ready !== undefined) queueMicrotask(() => this.message(ready));
  }

  get pid(): number | undefined {
    return this.#process.handle.pid;
  }

  post(message: ToSolver): void {
    if (this.#exit.ended) return;
    if (message.t === 'shutdown') {
      // One `release` per lease: each `released` then answers exactly one lease's request,
      // so a second one can never end the NEXT run's lease of this process.
      if (this.#releaseSent) return;
      this.#releaseSent = true;
      this.#process.handle.post({ t: 'release' });
      return;
    }
    this.#process.handle.post(message);
  }

  onMessage(listener: MessageListener): void {
    this.#onMessage = listener;
    const early = this.#early;
    this.#early = [];
    for (const m of early) listener(m);
  }

  onExit(listener: ExitListener): void {
    this.#exit.listen(listener);
  }

  onOutput(listener: OutputListener): void {
    this.#onOutput = listener;
  }

  kill(): void {
    if (!this.#exit.ended) this.#process.handle.kill();
  }

  message(m: FromSolver): void {
    if (this.#exit.ended) return;
    if (this.#onMessage) this.#onMessage(m);
    else this.#early.push(m);
  }

  output(stream: 'stdout' | 'stderr', text: string): void {
    if (!this.#exit.ended) this.#onOutput?.(stream, text);
  }

  /** The lease is over: the process went back to the pool (RELEASED) or is gone. */
  ended(exit: SolverExit): void {
    this.#exit.end(exit);
  }
}

/** Keeps solver processes alive between runs; a SolverLauncher over `inner`. */
export class WarmPool implements SolverLauncher {
  readonly #inner: SolverLauncher;
  /** Every live process, leased or idle. */
  readonly #live = new Set<PooledProcess>();
  readonly #idle: PooledProcess[] = [];
  #closed = false;

  constructor(inner: SolverLauncher) {
    this.#inner = inner;
  }

  /** Idle processes right now. */
  get idle(): number {
    return this.#idle.length;
  }

  /** Start processes for slots 0..count-1 that have none; resolves when each said ready (or died). */
  async warm(count: number): Promise<void> {
    if (this.#closed) return;
    const waits: Promise<void>[] = [];
    for (let slot = 0; slot < count; slot++) {
      let p = this.#idle.find((x) => x.slot === slot);
      if (!p && ![...this.#live].some((x) => x.slot === slot)) {
        p = new PooledProcess(slot, this.#inner, this);
        this.#live.add(p);
        this.#idle.push(p);
      }
      if (p) waits.push(p.untilReady());
    }
    await Promise.all(waits);
  }

  launch(slot: number): SolverHandle {
    if (this.#closed) return this.#inner.launch(slot);
    // The slot's own idle process first (its number shows in logs), else any idle one.
    let at = this.#idle.findIndex((x) => x.slot === slot);
    if (at < 0) at = this.#idle.findIndex((x) => x.exit === undefined);
    let p: PooledProcess;
    if (at >= 0) {
      p = this.#idle[at] as PooledProcess;
      this.#idle.splice(at, 1);
    } else {
      p = new PooledProcess(slot, this.#inner, this);
      this.#live.add(p);
    }
    const lease = new Lease(p);
    p.lease = lease;
    return lease;
  }

  /** Kill every process, leased or idle; resolves when they are gone (or after `waitMs`). */
  async close(waitMs = 1000): Promise<void> {
    this.#closed = true;
    const all = [...this.#live];
    this.#idle.length = 0;
    const gone = all.map((p) => p.untilExit());
    for (const p of all) p.handle.kill();
    await Promise.race([Promise.all(gone), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }

  /** A leased process finished its run and is idle again. */
  returned(p: PooledProcess): void {
    if (this.#closed) {
      p.handle.kill();
      return;
    }
    this.#idle.push(p);
  }

  /** A process exited (killed, crashed): it leaves the pool. */
  gone(p: PooledProcess): void {
    this.#live.delete(p);
    const at = this.#idle.indexOf(p);
    if (at >= 0) this.#idle.splice(at, 1);
  }
}
